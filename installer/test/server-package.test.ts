// The API's packaging (issue 8 part 5): the three workspaces the server needs are packed with
// `npm pack` (compiled JavaScript only), installed into an empty folder as an administrator would,
// and the installed `mypass` runs: --help, doctor and serve against the Entra ID emulator. Also the
// systemd unit (systemd-analyze verify) and the example production configuration (the real loader).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { loadConfig } from '@mypass/server/config/load-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const serverDir = join(repoRoot, 'installer/server');
const workspaces = ['@mypass/flows', '@mypass/locales', '@mypass/server'] as const;

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly PackedFile[];
}

let work: string;
let installDir: string;
let packed: PackResult[];
let emu: RunningEmulator;

/** Runs the INSTALLED mypass (never the repository's sources): plain node, no development condition. */
function installedMypass(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      join(installDir, 'node_modules/.bin/mypass'),
      args,
      { cwd: installDir, env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function doctorConfig(dir: string): string {
  const file = join(dir, 'mypass.yaml');
  writeFileSync(
    file,
    [
      'directory:',
      `  authorityHost: ${emu.origin}`,
      `  graphUrl: ${emu.origin}`,
      'access:',
      `  licensedGroups: [${emu.groups['MyPass Licensed']}]`,
      'store:',
      `  url: sqlite:${join(dir, 'mypass.db')}`,
      '  codeKeys: [{ id: k1, secret: package-test-code-key-0123456789abcdef }]',
      'flows:',
      '  decoyKey: package-test-decoy-key-0123456789abcdef',
      'webUi:',
      '  enabled: false',
      '',
    ].join('\n'),
  );
  return file;
}

const emulatorEnv = () => ({
  // Loopback directory hosts (the emulator) are accepted only under NODE_ENV=test or demo.
  NODE_ENV: 'test',
  AZURE_TENANT_ID: emu.tenantId,
  AZURE_CLIENT_ID: emu.apiApp.clientId,
  AZURE_CLIENT_SECRET: emu.apiApp.clientSecret,
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mypass-package-'));
  // Production runs the compiled JavaScript: build it first (incremental, so quick when up to date).
  await run(
    process.execPath,
    [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'flows', 'locales', 'server'],
    {
      cwd: repoRoot,
    },
  );
  const pack = await run(
    'npm',
    ['pack', '--json', ...workspaces.flatMap((w) => ['-w', w]), '--pack-destination', work],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
  );
  packed = JSON.parse(pack.stdout) as PackResult[];

  // A clean folder, as on a server: the three tarballs and their registry dependencies, production only.
  // --ignore-scripts: better-sqlite3's install step would download a prebuilt binary (no network here)
  // or compile for minutes; the repository's own build of the same version is copied in instead.
  installDir = join(work, 'opt-mypass');
  mkdirSync(installDir);
  writeFileSync(join(installDir, 'package.json'), '{ "name": "mypass-install", "private": true }\n');
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      ...packed.map((p) => join(work, p.filename)),
    ],
    { cwd: installDir, maxBuffer: 16 * 1024 * 1024 },
  );
  const builtSqlite = join(repoRoot, 'node_modules/better-sqlite3');
  const installedSqlite = join(installDir, 'node_modules/better-sqlite3');
  const version = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  if (version(builtSqlite) !== version(installedSqlite)) {
    throw new Error(
      `better-sqlite3 ${version(installedSqlite)} installed, but the repository built ${version(builtSqlite)}`,
    );
  }
  mkdirSync(join(installedSqlite, 'build/Release'), { recursive: true });
  copyFileSync(
    join(builtSqlite, 'build/Release/better_sqlite3.node'),
    join(installedSqlite, 'build/Release/better_sqlite3.node'),
  );
  emu = await startEmulator();
}, 600_000);

afterAll(async () => {
  await emu?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs compiled JavaScript only: dist, package.json, README; no sources, tests or build info', () => {
    expect(packed.map((p) => p.name).sort()).toEqual([...workspaces].sort());
    for (const pkg of packed) {
      const paths = pkg.files.map((f) => f.path);
      const stray = paths.filter(
        (p) =>
          !(p.startsWith('dist/') || p === 'package.json' || p === 'README.md') ||
          /\.tsbuildinfo$/.test(p) ||
          (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) ||
          /(^|\/)test\//.test(p),
      );
      expect({ pkg: pkg.name, stray }).toEqual({ pkg: pkg.name, stray: [] });
    }
    const server = packed.find((p) => p.name === '@mypass/server');
    expect(server?.files.map((f) => f.path)).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/main.js']));
    const locales = packed.find((p) => p.name === '@mypass/locales');
    // The server reads the SMS/e-mail templates from disk at run time.
    expect(locales?.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['dist/src/node.js', 'dist/en/messages.json', 'dist/ar/messages.json']),
    );
  });

  it('installs a runnable `mypass` bin into node_modules/.bin', () => {
    const bin = join(installDir, 'node_modules/.bin/mypass');
    expect(existsSync(bin)).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    // The installed server is the packed one, not a link back into the repository.
    expect(existsSync(join(installDir, 'node_modules/@mypass/server/src'))).toBe(false);
    expect(existsSync(join(installDir, 'node_modules/@mypass/server/dist/cli.js'))).toBe(true);
  });
});

// Each test starts Node processes (and serve opens the store and gets a token): slow on a busy machine.
describe('the installed mypass', { timeout: 120_000 }, () => {
  it('--help lists its commands and exits 0', async () => {
    const result = await installedMypass(['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: mypass <command>/);
    expect(result.stdout).toMatch(/^ {2}doctor {2}/m);
    expect(result.stdout).toMatch(/^ {2}serve {2}/m);
  });

  it('doctor passes against the emulator and never prints the secret', async () => {
    const dir = mkdtempSync(join(work, 'doctor-'));
    const result = await installedMypass(['doctor', '--config', doctorConfig(dir)], emulatorEnv());
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\d+ passed, \d+ warnings?, 0 failed\.$/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PASS  An app-only token was issued (client secret).');
    expect(result.stdout + result.stderr).not.toContain(emu.apiApp.clientSecret);
  });

  it('doctor exits 1 with a wrong client secret', async () => {
    const dir = mkdtempSync(join(work, 'doctor-bad-'));
    const result = await installedMypass(['doctor', '--config', doctorConfig(dir)], {
      ...emulatorEnv(),
      AZURE_CLIENT_SECRET: 'wrong-secret-for-the-package-test',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL /m);
    expect(result.stdout + result.stderr).not.toContain('wrong-secret-for-the-package-test');
  });

  it('serve starts with a SQLite store (the native module works) and answers /healthz and /readyz', async () => {
    const dir = mkdtempSync(join(work, 'serve-'));
    const port = await freePort();
    const config = doctorConfig(dir);
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}server:\n  host: 127.0.0.1\n  port: ${port}\n  logLevel: warn\n`,
    );
    const child: ChildProcess = spawn(
      join(installDir, 'node_modules/.bin/mypass'),
      ['serve', '--config', config],
      {
        cwd: dir,
        env: { ...process.env, NODE_OPTIONS: '', ...emulatorEnv() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      let ready: Response | undefined;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && child.exitCode === null) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready?.status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(ready?.status, `mypass serve did not answer:\n${output}`).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(existsSync(join(dir, 'mypass.db'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(output).not.toContain(emu.apiApp.clientSecret);
  });
});

describe('installer/server', () => {
  it('the systemd unit passes systemd-analyze verify (when systemd-analyze exists) and keeps its hardening', async () => {
    const unit = readFileSync(join(serverDir, 'mypass.service'), 'utf8');
    for (const line of [
      'User=mypass',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ReadWritePaths=/var/lib/mypass',
      'CapabilityBoundingSet=',
      'SystemCallFilter=@system-service',
      'SystemCallFilter=~@privileged',
      'SystemCallFilter=~@resources',
      'PrivateMounts=yes',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
      'EnvironmentFile=/etc/mypass/mypass.env',
    ]) {
      expect(unit.split('\n'), line).toContain(line);
    }
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
    if (!analyze) {
      console.warn('systemd-analyze is not installed: the unit was checked for its hardening lines only');
      return;
    }
    // verify exits 0 on unknown or misspelt settings but prints them: the output must be empty too.
    const result = await run(analyze, ['verify', join(serverDir, 'mypass.service')]).catch(
      (error: { stdout?: string; stderr?: string; code?: number }) => ({
        stdout: error.stdout ?? '',
        stderr: `${error.stderr ?? ''} (exit ${String(error.code)})`,
      }),
    );
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    // systemd's own rating of the unit (0 = best, 10 = none); --offline needs systemd 252 or later.
    const security = await run(analyze, [
      'security',
      '--offline=true',
      join(serverDir, 'mypass.service'),
    ]).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }));
    const exposure = /Overall exposure level for mypass\.service: (\d+\.\d)/.exec(security.stdout)?.[1];
    if (exposure !== undefined) expect(Number(exposure)).toBeLessThanOrEqual(1.3);
    else expect(security.stderr).toMatch(/offline/i);
  });

  it('the example production configuration loads with the server loader: several nodes behind trusted proxies, PostgreSQL, TLS', async () => {
    const env = Object.fromEntries(
      readFileSync(join(serverDir, 'mypass.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const result = await loadConfig({ file: join(serverDir, 'mypass.example.yaml'), env });
    if (!result.ok) throw result.error;
    const { config } = result;
    expect(config.demo).toBe(false);
    expect(config.server.trustedProxies.length).toBeGreaterThan(1);
    expect(config.server.tlsCertificatePath).toMatch(/^\/etc\/mypass\//);
    expect(config.store.url).toMatch(/^postgres:\/\//);
    expect(config.directory.clientCertificatePath).toBe('/etc/mypass/entra-app.pem');
    expect(config.directory.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.delivery.sms.provider).not.toBe('demo');
  });
});
