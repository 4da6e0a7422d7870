// The whole-suite secret scan (T8; issue 3: "a test collects every log line and audit record written
// during the suite and finds no client secret, code, password or flow token"). Each test file hands
// what its test apps wrote and the secrets it handled to a folder (suite-secret-scan.setup.ts); when
// the run ends, the global setup's teardown scans them all (suite-secret-scan.global.ts) and fails
// the run on a leak. Long secrets (tokens, passwords, keys) are looked for in the output of every
// file; six-digit codes only in their own file's, where they cannot match an unrelated number by chance.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface FileOutput {
  file: string;
  logLines: string[];
  auditRows: string[];
  secrets: string[];
}

export interface Leak {
  /** The file whose output holds the secret. */
  file: string;
  /** The file that handled the secret. */
  from: string;
  /** The secret's kind and length only: the report itself must not print it. */
  what: string;
}

const isCode = (secret: string): boolean => /^\d+$/.test(secret);

function contains(haystack: string, secret: string): boolean {
  // Codes as whole numbers, not inside ids or timestamps.
  return isCode(secret)
    ? new RegExp(`(?<![\\w.-])${secret}(?![\\w.-])`).test(haystack)
    : haystack.includes(secret);
}

export function findLeaks(outputs: readonly FileOutput[], configured: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const texts = outputs.map((o) => ({ file: o.file, text: [...o.logLines, ...o.auditRows].join('\n') }));
  const describe = (secret: string) => `${isCode(secret) ? 'code' : 'secret'} of ${secret.length} characters`;
  for (const source of outputs) {
    for (const secret of [...source.secrets, ...configured]) {
      // Very short strings are not secrets the app handles (the shortest password allowed is 8).
      if (secret.length < 6) continue;
      for (const { file, text } of texts) {
        if (isCode(secret) && file !== source.file) continue;
        if (contains(text, secret)) leaks.push({ file, from: source.file, what: describe(secret) });
      }
    }
  }
  return leaks;
}

export function readOutputs(dir: string): FileOutput[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as FileOutput);
}
