// Signs or verifies files by hand (a release check, a file added outside the MSI build):
//   npx tsx installer/signing/authenticode-cli.ts sign <file>...                 key from MYPASS_SIGN_*
//   npx tsx installer/signing/authenticode-cli.ts verify --ca-file <root.pem> <file>...
// Exit 0 when every file was signed / verified; 1 otherwise, with one line per file.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuthenticodeError, signFile, signingOptionsFromEnv, verifyFile } from './authenticode.js';

export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

/** The command line's work, callable in-process (tests): returns the exit code. */
export async function runAuthenticodeCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: CliOutput = console,
): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: { 'ca-file': { type: 'string' } },
  });
  if (positionals.length === 0 || (command !== 'sign' && command !== 'verify')) {
    out.error('usage: authenticode-cli.ts sign <file>... | verify --ca-file <root.pem> <file>...');
    return 2;
  }
  let failed = 0;
  if (command === 'sign') {
    const signing = signingOptionsFromEnv(env);
    if (!signing.ok || !signing.options) {
      out.error(
        signing.ok
          ? 'SIGNING_KEY_INCOMPLETE: set MYPASS_SIGN_PKCS12 or MYPASS_SIGN_CERT/KEY'
          : `${signing.code}: ${signing.message}`,
      );
      return 1;
    }
    for (const file of positionals) {
      try {
        await signFile(file, signing.options);
        out.log(`signed: ${file}`);
      } catch (error) {
        failed += 1;
        out.error(error instanceof AuthenticodeError ? `${error.code}: ${error.message}` : String(error));
      }
    }
  } else {
    const caFile = values['ca-file'];
    if (!caFile) {
      out.error('verify needs --ca-file <root.pem> (the roots to trust)');
      return 2;
    }
    for (const file of positionals) {
      const result = await verifyFile(file, { caFile });
      if (!result.ok) failed += 1;
      out.log(`${result.ok ? 'ok' : 'FAILED'}: ${file}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await runAuthenticodeCli(process.argv.slice(2), process.env);
}
