// The local stack the demo and the bench run: the Entra ID emulator in this process (or, for the
// bench, in its own: it stands in for Microsoft, and its CPU is not the API's), the MyPass API
// as a child process that trusts the emulator's CA through NODE_EXTRA_CA_CERTS (read only at
// process start, the production mechanism), configured by a YAML file in a temporary folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { Agent, request } from 'undici';
import { ADMIN_APP_CLIENT_ID, startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { loadOrCreateTestCa } from '@mypass/entra-emulator/with-test-ca';
import { ensureWebBuild } from '../test/e2e/web-build.js';
import { readDemoUsers, type DemoUser } from './demo-users.js';

export const repositoryRoot = resolve(import.meta.dirname, '..');

export interface LocalStackOptions {
  apiPort: number;
  emulatorPort: number;
  generatedUsers?: number;
  /** Extra configuration merged over the demo configuration (sections replace whole). */
  config?: Record<string, unknown>;
  /** Lines the API prints on its standard output (the demo's codes among them). */
  onApiLine?: (line: string) => void;
  /** Where the API's standard error goes (default: this process's). */
  apiStderr?: 'inherit' | 'ignore';
  /**
   * Run the API from compiled JavaScript (server/dist, built here first with `tsc -b server`), as
   * production does, instead of from the TypeScript sources through tsx (which costs memory and CPU).
   */
  compiledApi?: boolean;
  /** Run the emulator in its own process (compiled when compiledApi is set) instead of this one. */
  emulatorProcess?: boolean;
}

/** The emulator as the stack's users see it, in this process or in its own. */
export interface StackEmulator {
  origin: string;
  tenantId: string;
  domain: string;
  apiApp: { clientId: string; clientSecret: string };
  /** The admin app registration (the branding command's device-code sign-in). */
  adminApp: { clientId: string };
  groups: Record<string, string>;
  /** The emulator's own process, when it runs in one. */
  pid?: number;
  /** Requests per "METHOD /route-template" (GET /_emulator/counters). */
  counters(): Promise<Record<string, number>>;
  /** Outer HTTP requests to Graph since the last reset (a $batch counts once). */
  graphHttpRequests(): Promise<number>;
  resetCounters(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalStack {
  emulator: StackEmulator;
  api: ChildProcess;
  apiUrl: string;
  demoUsers: DemoUser[];
  /**
   * Another process beside the API (node flags, then `args`, then `--config FILE`), with the API's
   * configuration, environment and standard output handling; stopped with the stack.
   */
  spawnSibling(args: string[]): ChildProcess;
  /** Resolves when /readyz answers 200 (a token was obtained from the emulator). */
  ready(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port (1-65535).`);
  }
  return port;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // The web page the API serves: built once, rebuilt when its sources changed.
  ensureWebBuild();
  const ca = loadOrCreateTestCa(join(repositoryRoot, '.cache', 'demo-ca'));
  const emulatorOptions = {
    port: options.emulatorPort,
    caDir: join(repositoryRoot, '.cache', 'demo-ca'),
    generatedUsers: options.generatedUsers ?? 0,
  };
  const emulator = options.emulatorProcess
    ? await emulatorInItsOwnProcess(emulatorOptions, ca.certPem, options.compiledApi === true)
    : inThisProcess(
        await startEmulator({
          port: options.emulatorPort,
          ca,
          generatedUsers: emulatorOptions.generatedUsers,
        }),
      );
  const workDir = mkdtempSync(join(tmpdir(), 'mypass-local-'));
  const demoUsers = await readDemoUsers(emulator.origin, ca.certPem);
  const demoUsersFile = join(workDir, 'demo-users.json');
  writeFileSync(
    demoUsersFile,
    JSON.stringify({ users: demoUsers.filter((u) => !/^user\d+@/.test(u.userPrincipalName)) }),
  );

  const config = {
    demo: true,
    directory: {
      tenantId: emulator.tenantId,
      clientId: emulator.apiApp.clientId,
      authorityHost: emulator.origin,
      graphUrl: emulator.origin,
    },
    // Warnings only, so the codes the demo prints stand out; the audit still goes to the store.
    server: { host: '127.0.0.1', port: options.apiPort, logLevel: 'warn' },
    delivery: {
      sms: { provider: 'demo' },
      email: { provider: 'demo' },
      // The demo tenant's phones: Denmark, the US, Germany, Saudi Arabia, the United Kingdom.
      smsCountries: ['DK', 'US', 'DE', 'SA', 'GB'],
      helpdesk: 'the Contoso helpdesk, +45 70 10 20 30',
    },
    store: { url: `sqlite:${join(workDir, 'mypass.db')}` },
    webUi: { helpdeskPhone: '+45 70 10 20 30', helpdeskText: 'Contoso IT helpdesk' },
    access: {
      licensedGroups: [emulator.groups['MyPass Licensed']],
      denyList: ['break.glass@contoso.example'],
      policies: [
        { name: 'two-methods', groups: [emulator.groups['MyPass Two Methods']], methodsRequired: 2 },
        { name: 'default', groups: [] },
      ],
    },
    ...options.config,
  };
  const configPath = join(workDir, 'mypass.yaml');
  writeFileSync(
    configPath,
    `# Written by scripts/local-stack.ts for the local demo tenant.\n${stringify(config)}`,
  );

  // MYPASS_API_NODE_FLAGS: extra node flags for the API child (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
  const nodeFlags = (process.env.MYPASS_API_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  if (options.compiledApi) {
    // (The emulator, when compiled, was built above.)
    execFileSync(
      process.execPath,
      [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-b', 'server'],
      {
        cwd: repositoryRoot,
        stdio: 'inherit',
      },
    );
  }
  const entry = options.compiledApi
    ? [join(repositoryRoot, 'server/dist/cli.js')]
    : ['--conditions=development', '--import', 'tsx', join(repositoryRoot, 'server/src/cli.ts')];
  const apiEnv = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: ca.certPath,
    // Secrets go by environment, as production's should, never into the file.
    AZURE_CLIENT_SECRET: emulator.apiApp.clientSecret,
    // Keys made for this run only.
    MYPASS_CODE_KEYS: `demo1:${randomBytes(32).toString('base64url')}`,
    MYPASS_DECOY_KEY: randomBytes(32).toString('base64url'),
    MYPASS_DEMO_USERS_FILE: demoUsersFile,
  };
  const children: ChildProcess[] = [];
  const spawnWithStackConfig = (args: string[]): ChildProcess => {
    const child = spawn(process.execPath, [...nodeFlags, ...args, '--config', configPath], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', options.apiStderr ?? 'inherit'],
      env: apiEnv,
    });
    children.push(child);
    // stdout is a pipe (stdio above), so it is always there.
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => (options.onApiLine ?? ((l: string) => console.log(l)))(line));
    return child;
  };
  const api = spawnWithStackConfig([...entry, 'serve']);

  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  let stopped = false;
  return {
    emulator,
    api,
    apiUrl,
    demoUsers,
    ready: (timeoutMs) => waitForReadyz(api, apiUrl, timeoutMs, 'the MyPass API'),
    spawnSibling: (args) => spawnWithStackConfig(args),
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        }),
      );
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `baseUrl`/readyz answers 200; throws when `child` exits or the time is up. */
export async function waitForReadyz(
  child: ChildProcess,
  baseUrl: string,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const by = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited (code ${child.exitCode})`);
    const ok = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > by) throw new Error(`${label} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function inThisProcess(emulator: RunningEmulator): StackEmulator {
  return {
    origin: emulator.origin,
    tenantId: emulator.tenantId,
    domain: emulator.domain,
    apiApp: emulator.apiApp,
    adminApp: emulator.adminApp,
    groups: emulator.groups,
    counters: () => Promise.resolve(emulator.counters()),
    graphHttpRequests: () => Promise.resolve(emulator.graphHttpRequests()),
    resetCounters: () => Promise.resolve(emulator.resetCounters()),
    close: () => emulator.close(),
  };
}

/** The emulator's CLI (src/main.ts) as a child process, inspected through its /_emulator routes. */
async function emulatorInItsOwnProcess(
  options: { port: number; caDir: string; generatedUsers: number },
  caPem: string,
  compiled: boolean,
): Promise<StackEmulator> {
  if (compiled) {
    execFileSync(
      process.execPath,
      [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-b', 'test/entra-emulator'],
      { cwd: repositoryRoot, stdio: 'inherit' },
    );
  }
  const entry = compiled
    ? [join(repositoryRoot, 'test/entra-emulator/dist/main.js')]
    : [
        '--conditions=development',
        '--import',
        'tsx',
        join(repositoryRoot, 'test/entra-emulator/src/main.ts'),
      ];
  const child = spawn(
    process.execPath,
    [
      ...entry,
      '--port',
      String(options.port),
      '--ca-dir',
      options.caDir,
      '--generated-users',
      String(options.generatedUsers),
    ],
    { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await new Promise<string>((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`the emulator exited (code ${code ?? 'signal'})`)));
  });
  const ready = JSON.parse(first) as {
    origin: string;
    tenantId: string;
    domain: string;
    groups: Record<string, string>;
    clientId: string;
    clientSecret: string;
  };
  const dispatcher = new Agent({ connect: { ca: caPem } });
  const admin = async (method: 'GET' | 'POST', path: string): Promise<unknown> => {
    const response = await request(`${ready.origin}/_emulator/${path}`, { method, dispatcher });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`emulator ${method} ${path}: ${response.statusCode}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  return {
    origin: ready.origin,
    tenantId: ready.tenantId,
    domain: ready.domain,
    apiApp: { clientId: ready.clientId, clientSecret: ready.clientSecret },
    // A fixed id in every emulator (tenant.ts).
    adminApp: { clientId: ADMIN_APP_CLIENT_ID },
    groups: ready.groups,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    counters: async () => (await admin('GET', 'counters')) as Record<string, number>,
    graphHttpRequests: async () => ((await admin('GET', 'graph-http-requests')) as { count: number }).count,
    resetCounters: async () => void (await admin('POST', 'counters/reset')),
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      await dispatcher.close();
    },
  };
}
