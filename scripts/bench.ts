// `npm run bench`: complete reset flows on loopback against the emulator with thousands of generated
// users, in the bench profile (docs in README "Benchmarks": limits raised, every other defence — timing
// floors included — as in production). Prints figures; never passes or fails on time.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { Agent, request } from 'undici';
import { flowsConfigSchema } from '@mypass/server/flows-service/flows-config';
import { measureFirstScreen } from '../test/e2e/first-screen.js';
import { repositoryRoot, startLocalStack, waitForReadyz, type LocalStack } from './local-stack.js';

const generatedUsers = Number(process.env.MYPASS_BENCH_USERS ?? 3000);
const flowsToRun = Number(process.env.MYPASS_BENCH_FLOWS ?? 1500);
const concurrency = Number(process.env.MYPASS_BENCH_CONCURRENCY ?? 160);
// The open-loop phase: flows start on a fixed schedule whatever the API's answers, so latency is
// measured at a load the API sustains (a closed loop at saturation measures only its own queue).
const offeredRateEnv = process.env.MYPASS_BENCH_RATE;
const offeredSeconds = Number(process.env.MYPASS_BENCH_RATE_SECONDS ?? 10);
// The production timing floors (T2), read from the server's own defaults.
const floors = flowsConfigSchema.shape.timingFloorMs.parse(undefined);
const apiPort = 18080 + Math.floor(Math.random() * 1000);
const emulatorPort = apiPort + 1000;

/** The bench profile: T4 limits raised so one client can run thousands of flows; nothing else changes. */
const unlimited = { max: 1_000_000_000, windowSeconds: 60 };
const benchProfile = {
  limits: {
    startsPerName: unlimited,
    startsPerUser: unlimited,
    startsPerAddress: unlimited,
    codesPerDestination: unlimited,
    codesPerUser: unlimited,
    smsGlobal: unlimited,
    failures: unlimited,
    resendCooldownSeconds: 60,
    attemptsPerFlow: 5,
  },
  server: { host: '127.0.0.1', port: apiPort, logLevel: 'warn' },
};

// Codes arrive on the API's standard output (demo delivery), keyed by destination.
const codeWaiters = new Map<string, (code: string) => void>();
const codesSeen = new Map<string, string>();
function onApiLine(line: string): void {
  const match = /^\[demo\] code (\d+) -> (\S+)/.exec(line);
  if (!match) return;
  const [, code, destination] = match as unknown as [string, string, string];
  const waiter = codeWaiters.get(destination);
  if (waiter) {
    codeWaiters.delete(destination);
    waiter(code);
  } else codesSeen.set(destination, code);
}
function nextCode(destination: string): Promise<string> {
  const seen = codesSeen.get(destination);
  if (seen) {
    codesSeen.delete(destination);
    return Promise.resolve(seen);
  }
  return new Promise((resolveCode, reject) => {
    const timer = setTimeout(() => reject(new Error(`no code for ${destination} within 60 s`)), 60_000);
    codeWaiters.set(destination, (code) => {
      clearTimeout(timer);
      resolveCode(code);
    });
  });
}

const samples = new Map<string, number[]>();
function record(endpoint: string, ms: number): void {
  let list = samples.get(endpoint);
  if (!list) samples.set(endpoint, (list = []));
  list.push(ms);
}
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function printLatencies(table: Map<string, number[]>): void {
  for (const [endpoint, list] of table) {
    const sorted = [...list].sort((a, b) => a - b);
    const floor =
      endpoint === 'POST /flows'
        ? floors.start
        : endpoint === 'POST /challenges'
          ? floors.challenge
          : endpoint === 'POST /verifications'
            ? floors.verification
            : 0;
    const p99 = percentile(sorted, 99);
    console.log(
      `  ${endpoint.padEnd(22)} n=${String(sorted.length).padStart(5)}  p50 ${percentile(sorted, 50).toFixed(1).padStart(7)}  p99 ${p99.toFixed(1).padStart(7)}  floor ${String(floor).padStart(3)}  p99 beyond floor ${(p99 - floor).toFixed(1).padStart(6)} (target < 50)`,
    );
  }
}

/** One flow; a failure is counted (the first three printed) and never stops the bench. */
async function attempt<T>(work: (item: T) => Promise<void>, item: T, failures: { count: number }) {
  try {
    await work(item);
  } catch (error) {
    failures.count++;
    if (failures.count <= 3) console.error(`bench: ${(error as Error).message}`);
  }
}

/** Starts `count` flows at `rate` per second on a fixed schedule; failures of one flow are counted. */
async function openLoop<T>(items: T[], rate: number, work: (item: T) => Promise<void>): Promise<number> {
  const started = performance.now();
  const failures = { count: 0 };
  await Promise.all(
    items.map(async (item, i) => {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await attempt(work, item, failures);
    }),
  );
  return failures.count;
}

const dispatcher = new Agent({ connections: 512, pipelining: 1, keepAliveTimeout: 30_000 });
let apiUrl = '';

async function call(
  endpoint: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const started = performance.now();
  const response = await request(`${apiUrl}${path}`, {
    method,
    dispatcher,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  record(endpoint, performance.now() - started);
  return { status: response.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

interface BenchUser {
  upn: string;
  phone: string;
}

async function startToChallenge(user: BenchUser) {
  const started = await call('POST /flows', 'POST', '/api/v1/flows', {
    purpose: 'reset',
    username: user.upn,
  });
  if (started.status !== 201) throw new Error(`start ${started.status} ${JSON.stringify(started.json)}`);
  const { flowId, flowToken, methods } = started.json as {
    flowId: string;
    flowToken: string;
    methods: { id: string; kind: string }[];
  };
  const sms = methods.find((m) => m.kind === 'sms');
  if (!sms) throw new Error('no sms method');
  const codePromise = nextCode(user.phone);
  // Awaited after the challenge answers; a code that never comes fails this flow, not the bench.
  codePromise.catch(() => undefined);
  const challenge = await call(
    'POST /challenges',
    'POST',
    `/api/v1/flows/${flowId}/challenges`,
    {
      method: sms.id,
      confirm: user.phone,
    },
    flowToken,
  );
  if (challenge.status !== 202)
    throw new Error(`challenge ${challenge.status} ${JSON.stringify(challenge.json)}`);
  return { flowId, flowToken, challengeId: challenge.json.challengeId as string, code: await codePromise };
}

async function completeFlow(user: BenchUser): Promise<void> {
  const { flowId, flowToken, challengeId, code } = await startToChallenge(user);
  const verified = await call(
    'POST /verifications',
    'POST',
    `/api/v1/flows/${flowId}/verifications`,
    {
      challengeId,
      code,
    },
    flowToken,
  );
  if (verified.status !== 200) throw new Error(`verify ${verified.status} ${JSON.stringify(verified.json)}`);
  await call('GET /password-policy', 'GET', `/api/v1/flows/${flowId}/password-policy`, undefined, flowToken);
  const done = await call(
    'POST /password',
    'POST',
    `/api/v1/flows/${flowId}/password`,
    {
      // The random part avoids every letter and digit of the generated names (user01234, Bench User
      // 01234): the policy refuses a password that contains a part of the user's name.
      newPassword: `Lantern-${Array.from({ length: 8 }, () => 'adfgkmpqtwxyz'[Math.floor(Math.random() * 13)]).join('')}-Harbor7!`,
    },
    flowToken,
  );
  if (done.status !== 200) throw new Error(`password ${done.status} ${JSON.stringify(done.json)}`);
}

async function runPool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const failures = { count: 0 };
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = items[next++]; item !== undefined; item = items[next++]) {
        await attempt(work, item, failures);
      }
    }),
  );
  return failures.count;
}

/** Requests per second of `fire` at a fixed concurrency over `count` requests. */
async function throughput(count: number, width: number, fire: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  await runPool(
    Array.from({ length: count }, (_, i) => i),
    width,
    fire,
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * CPU seconds a process has used (user + system, /proc/PID/stat; Linux's clock tick is 1/100 s).
 * Per complete reset it says what a flow costs whatever else the shared machine is doing.
 */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmHWM: the peak resident set so far; VmRSS: the resident set now. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

console.log(
  `MyPass bench: ${generatedUsers} generated users, ${flowsToRun} complete resets, ${concurrency} at a time.`,
);
const stack = await startLocalStack({
  apiPort,
  emulatorPort,
  generatedUsers,
  config: benchProfile,
  onApiLine,
  apiStderr: 'inherit',
  // Production runs compiled JavaScript; tsx's loader would add its own memory and CPU to the figures.
  compiledApi: process.env.MYPASS_BENCH_TSX !== '1',
  // The emulator stands in for Microsoft: its own process, so its work is not counted as the API's
  // (MYPASS_BENCH_EMULATOR_IN_PROCESS=1 puts it back beside the load generator, for comparison).
  emulatorProcess: process.env.MYPASS_BENCH_EMULATOR_IN_PROCESS !== '1',
});
try {
  await stack.ready(90_000);
  // Start-up alone: what the API holds before the first request (modules, caches, the UI's files).
  const startupRss = rssMb(stack.api.pid ?? 0, 'VmRSS');
  apiUrl = stack.apiUrl;
  const users: BenchUser[] = stack.demoUsers
    .filter((u) => /^user\d+@/.test(u.userPrincipalName))
    .map((u) => ({
      upn: u.userPrincipalName,
      phone: u.methods.find((m) => m.kind === 'sms')?.destination ?? '',
    }))
    .filter((u) => u.phone !== '')
    .map((u) => ({ ...u, phone: u.phone.replace(/\s+/g, '') }));
  if (users.length < flowsToRun + 640) throw new Error(`only ${users.length} generated users with a phone`);

  // Warm-up: token cache, JIT, SQLite pages.
  await runPool(users.slice(0, 40), 20, completeFlow);
  samples.clear();
  await stack.emulator.resetCounters();

  const measured = users.slice(40, 40 + flowsToRun);
  const cpuBefore = {
    api: cpuSeconds(stack.api.pid),
    emulator: cpuSeconds(stack.emulator.pid),
    loadGenerator: cpuSeconds(process.pid),
  };
  const started = performance.now();
  const failed = await runPool(measured, concurrency, completeFlow);
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = (before: number, pid: number | undefined) =>
    ((cpuSeconds(pid) - before) * 1000) / Math.max(1, measured.length - failed);
  const apiCpuMs = cpuMs(cpuBefore.api, stack.api.pid);
  const emulatorCpuMs = cpuMs(cpuBefore.emulator, stack.emulator.pid);
  const loadGeneratorCpuMs = cpuMs(cpuBefore.loadGenerator, process.pid);
  const completed = measured.length - failed;
  // The peak through start-up, warm-up and the complete resets, before the 500-in-flight phase below.
  const resetsPeakRss = rssMb(stack.api.pid ?? 0);
  const counters = await stack.emulator.counters();
  const graphRequests = await stack.emulator.graphHttpRequests();
  const tokenRequests = Object.entries(counters)
    .filter(([route]) => /token/i.test(route))
    .reduce((sum, [, n]) => sum + n, 0);

  // Copies of the lists: the verification-alone phase below records into the same map.
  const flowSamples = new Map([...samples].map(([endpoint, list]) => [endpoint, [...list]]));
  // Verification alone: fresh flows with codes in hand, each verified once.
  const verifyUsers = users.slice(40 + flowsToRun, 40 + flowsToRun + 500);
  const pending: { flowId: string; flowToken: string; challengeId: string; code: string }[] = [];
  await runPool(verifyUsers, concurrency, async (u) => void pending.push(await startToChallenge(u)));
  const verifyRps = await throughput(pending.length, verifyUsers.length, async (i) => {
    const p = pending[i];
    if (!p) return;
    await call(
      'verify-alone',
      'POST',
      `/api/v1/flows/${p.flowId}/verifications`,
      { challengeId: p.challengeId, code: p.code },
      p.flowToken,
    );
  });
  const bareRps = await bareFastifyRps(pending.length, verifyUsers.length);

  // Latency at a sustained load: three quarters of the saturation rate unless MYPASS_BENCH_RATE says.
  const saturationRate = completed / seconds;
  const offeredRate = offeredRateEnv
    ? Number(offeredRateEnv)
    : Math.max(1, Math.floor(saturationRate * 0.75));
  const openLoopUsers = users.slice(
    40 + flowsToRun + 500,
    40 + flowsToRun + 500 + Math.round(offeredRate * offeredSeconds),
  );
  samples.clear();
  const openLoopStarted = performance.now();
  const openLoopFailed = await openLoop(openLoopUsers, offeredRate, completeFlow);
  const openLoopSeconds = (performance.now() - openLoopStarted) / 1000;
  const openLoopSamples = new Map(samples);
  samples.clear();
  // The floor: the same resets through a skeleton API, after every figure of the real one is taken.
  const floor = await measureFloor(stack, users.slice(0, 40), measured).then(
    (figures) => ({ ok: true as const, ...figures }),
    (error: unknown) => ({
      ok: false as const,
      reason: error instanceof Error ? error.message : String(error),
    }),
  );

  console.log(
    `\nComplete resets at saturation (${concurrency} in flight): ${completed} of ${measured.length} in ${seconds.toFixed(1)} s = ${saturationRate.toFixed(0)} flows/s (target >= 200)`,
  );
  console.log(
    `Latency per endpoint at ${offeredRate} flows/s offered (open loop, ${openLoopUsers.length - openLoopFailed} of ${openLoopUsers.length} flows completed in ${openLoopSeconds.toFixed(1)} s; ms; the timing floors are deliberate, T2: start ${floors.start}, challenge ${floors.challenge}, verification ${floors.verification}):`,
  );
  printLatencies(openLoopSamples);
  console.log(
    `Latency per endpoint at saturation (${concurrency} flows in flight: mostly time in the API's queue):`,
  );
  printLatencies(flowSamples);
  console.log(
    `Graph HTTP requests per completed reset: ${(graphRequests / completed).toFixed(2)} (target <= 3)`,
  );
  console.log(`Token requests after warm-up: ${tokenRequests} (target 0)`);
  console.log(
    `API peak RSS: ${resetsPeakRss.toFixed(0)} MB through the complete resets (target < 150); ${startupRss.toFixed(0)} MB after start-up; ${rssMb(stack.api.pid ?? 0).toFixed(0)} MB by the end (${verifyUsers.length} verifications in flight at once)`,
  );
  console.log(
    `CPU per complete reset: API ${apiCpuMs.toFixed(1)} ms${Number.isNaN(emulatorCpuMs) ? '' : `, emulator ${emulatorCpuMs.toFixed(1)} ms`}, load generator ${loadGeneratorCpuMs.toFixed(1)} ms (2 cores = 2000 ms of CPU per second: 200 flows/s leaves 10 ms per reset for everything)`,
  );
  console.log(
    `Code verification alone: ${verifyRps.toFixed(0)} req/s at ${verifyUsers.length} in flight (its ${floors.verification} ms floor caps it at ${((verifyUsers.length * 1000) / floors.verification).toFixed(0)}); bare Fastify route: ${bareRps.toFixed(0)} req/s; ratio ${(verifyRps / bareRps).toFixed(2)} (target >= 0.25)`,
  );
  if (!floor.ok) console.log(`Floor: not measured (${floor.reason})`);
  else
    console.log(
      `Floor of this machine and stack (scripts/bench-floor-api.ts, the same resets with none of the defences: the same Graph requests, 20 SQL statements): ${floor.completed} of ${measured.length} resets, ${floor.rate.toFixed(0)} flows/s at ${floor.cpuMs.toFixed(1)} ms per reset, peak RSS ${floor.peakRss.toFixed(0)} MB (${floor.startupRss.toFixed(0)} MB after start-up)`,
    );
  await printFirstScreen();
} finally {
  await stack.stop();
  await dispatcher.close();
}

/**
 * The floor: the same complete resets, at the same concurrency, through scripts/bench-floor-api.ts
 * (the least any reset API on this stack does, with none of the defences), against the same emulator,
 * while the real API idles. Transpiled on its own so no loader runs in the measured process.
 */
async function measureFloor(
  localStack: LocalStack,
  warmUp: BenchUser[],
  resets: BenchUser[],
): Promise<{ completed: number; rate: number; cpuMs: number; peakRss: number; startupRss: number }> {
  const { outputText } = ts.transpileModule(
    readFileSync(join(repositoryRoot, 'scripts/bench-floor-api.ts'), 'utf8'),
    {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    },
  );
  const cacheDir = join(repositoryRoot, '.cache', 'bench');
  mkdirSync(cacheDir, { recursive: true });
  const entry = join(cacheDir, 'floor-api.mjs');
  writeFileSync(entry, outputText);
  const port = apiPort + 3000;
  const floorApi = localStack.spawnSibling([entry, '--port', String(port)]);
  const mainApiUrl = apiUrl;
  try {
    apiUrl = `http://127.0.0.1:${port}`;
    await waitForReadyz(floorApi, apiUrl, 60_000, 'the floor API');
    const startupRss = rssMb(floorApi.pid ?? 0, 'VmRSS');
    await runPool(warmUp, 20, completeFlow);
    const cpuBefore = cpuSeconds(floorApi.pid);
    const started = performance.now();
    const failed = await runPool(resets, concurrency, completeFlow);
    const seconds = (performance.now() - started) / 1000;
    const completed = resets.length - failed;
    if (completed === 0) throw new Error('no reset completed');
    return {
      completed,
      rate: completed / seconds,
      cpuMs: ((cpuSeconds(floorApi.pid) - cpuBefore) * 1000) / completed,
      peakRss: rssMb(floorApi.pid ?? 0),
      startupRss,
    };
  } finally {
    apiUrl = mainApiUrl;
    floorApi.kill('SIGTERM');
  }
}

/** A bare Fastify route in its own process, measured by the same client in the same run. */
async function bareFastifyRps(count: number, width: number): Promise<number> {
  const port = apiPort + 2000;
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import Fastify from 'fastify'; const app = Fastify(); app.post('/bare', async () => ({ ok: true })); await app.listen({ host: '127.0.0.1', port: ${port} }); console.log('ready');`,
    ],
    { cwd: `${repositoryRoot}/server`, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolveReady) => child.stdout?.once('data', () => resolveReady()));
  try {
    return await throughput(count, width, async () => {
      const response = await request(`http://127.0.0.1:${port}/bare`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ challengeId: 'x', code: '123456' }),
      });
      await response.body.text();
    });
  } finally {
    child.kill('SIGTERM');
  }
}

async function printFirstScreen(): Promise<void> {
  const result = await measureFirstScreen();
  if (!result) {
    console.log('First screen: not measured (no /usr/bin/chromium; ./scripts/setup installs it)');
    return;
  }
  console.log(
    `First screen: ${(result.jsGzipBytes / 1024).toFixed(1)} KB of JavaScript (gzip; target <= 200), first render ${result.firstRenderMs} ms in Chromium (median of ${result.runs.length}; target < 300)`,
  );
}
