// Two API processes (the real `mypass serve`, as child processes) on one PostgreSQL database, with
// the Entra ID emulator as the directory: a flow started on one node finishes on the other, every
// queued code is sent exactly once by whichever outbox worker claims it, and the limits (flow starts
// per user, attempts per flow, the failure budget per person) hold across both nodes under
// concurrent requests. Prints its figures (time, requests per node) for the closing note.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testPostgresUrl } from '../store/test-store.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  requests: number;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const postgresProblem = await probePostgres();

if (postgresProblem !== undefined) {
  describe('two API nodes on one PostgreSQL database', () => {
    it(`postgres unavailable: ${postgresProblem}`, () => {
      console.warn(
        `[multi-node] NOT RUN: PostgreSQL unreachable (${postgresProblem}); scripts/setup starts it`,
      );
      expect(process.env.CI, 'PostgreSQL must be reachable under CI (scripts/setup starts it)').toBeFalsy();
    });
  });
} else {
  describe('two API nodes on one PostgreSQL database', () => {
    const database = `mypass_nodes_${randomBytes(5).toString('hex')}`;
    const databaseUrl = (() => {
      const u = new URL(testPostgresUrl);
      u.pathname = `/${database}`;
      return u.toString();
    })();
    const workDir = mkdtempSync(join(tmpdir(), 'mypass-nodes-'));
    const codeKeys = `n1:${randomBytes(32).toString('base64url')}`;
    let emu: RunningEmulator;
    let store: Store;
    const nodes: Node[] = [];
    /** Every `[demo] code` line either node printed: destination → codes, in order. */
    const codes = new Map<string, string[]>();
    const codeWaiters: { destination: string; resolve: (code: string) => void }[] = [];
    const figures: string[] = [];

    function onLine(line: string): void {
      const m = /^\[demo\] code (\d+) -> (\S+)/.exec(line);
      if (!m) return;
      const [, code = '', destination = ''] = m;
      const list = codes.get(destination) ?? [];
      list.push(code);
      codes.set(destination, list);
      const i = codeWaiters.findIndex((w) => w.destination === destination);
      if (i >= 0) codeWaiters.splice(i, 1)[0]?.resolve(code);
    }

    function nextCode(destination: string): Promise<string> {
      return new Promise((resolveCode, reject) => {
        const timer = setTimeout(() => reject(new Error(`no code for ${destination} within 30 s`)), 30_000);
        codeWaiters.push({
          destination,
          resolve: (code) => {
            clearTimeout(timer);
            resolveCode(code);
          },
        });
      });
    }

    async function call(
      node: Node,
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
      token?: string,
    ): Promise<Answer> {
      node.requests++;
      const res = await fetch(`${node.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    }

    const node = (i: number): Node => nodes[i % 2] as Node;

    async function startFlow(on: Node, upn: string) {
      const res = await call(on, 'POST', '/api/v1/flows', { purpose: 'reset', username: upn });
      return res as Answer & {
        body: { flowId: string; flowToken: string; methods: { id: string; kind: string }[] };
      };
    }

    async function challengeSms(
      on: Node,
      flow: { flowId: string; flowToken: string; methods: { id: string; kind: string }[] },
      phone: string,
    ) {
      const sms = flow.methods.find((m) => m.kind === 'sms');
      const code = nextCode(phone);
      code.catch(() => undefined);
      const res = await call(
        on,
        'POST',
        `/api/v1/flows/${flow.flowId}/challenges`,
        { method: sms?.id, confirm: phone },
        flow.flowToken,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return { challengeId: String(res.body.challengeId), code: await code };
    }

    const wrong = (code: string): string => (code === '000000' ? '111111' : '000000');

    beforeAll(async () => {
      const t0 = performance.now();
      await adminQuery(`create database "${database}"`);
      emu = await startEmulator();
      const config = {
        demo: true,
        directory: {
          tenantId: emu.tenantId,
          clientId: emu.apiApp.clientId,
          authorityHost: emu.origin,
          graphUrl: emu.origin,
        },
        server: { host: '127.0.0.1', logLevel: 'warn' },
        delivery: {
          sms: { provider: 'demo' },
          email: { provider: 'demo' },
          smsCountries: ['DK', 'US', 'DE', 'SA', 'GB'],
          helpdesk: 'the Contoso helpdesk, +45 70 10 20 30',
        },
        store: { url: databaseUrl, poolSize: 5 },
        // Room for the failure-budget test's rounds (several flows and codes for one person), so only
        // the budget can end them; no resend cooldown, as it asks one phone for codes at once.
        limits: {
          resendCooldownSeconds: 0,
          startsPerName: { max: 8, windowSeconds: 900 },
          startsPerUser: { max: 8, windowSeconds: 900 },
          codesPerDestination: { max: 20, windowSeconds: 3600 },
          codesPerUser: { max: 20, windowSeconds: 86400 },
        },
        access: {
          licensedGroups: [emu.groups['MyPass Licensed']],
          policies: [{ name: 'default', groups: [] }],
        },
      };
      const configPath = join(workDir, 'mypass.yaml');
      writeFileSync(configPath, stringify(config));
      const decoyKey = randomBytes(32).toString('base64url');
      for (const name of ['node1', 'node2']) {
        const port = await freePort();
        const child = spawn(
          process.execPath,
          [
            '--conditions=development',
            '--import',
            'tsx',
            join(repositoryRoot, 'server/src/cli.ts'),
            'serve',
            '--config',
            configPath,
          ],
          {
            cwd: repositoryRoot,
            stdio: ['ignore', 'pipe', 'inherit'],
            env: {
              ...process.env,
              // The same keys on every node: a flow token or code HMAC from one must verify on the other.
              AZURE_CLIENT_SECRET: emu.apiApp.clientSecret,
              MYPASS_CODE_KEYS: codeKeys,
              MYPASS_DECOY_KEY: decoyKey,
              MYPASS_PORT: String(port),
            },
          },
        );
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
        nodes.push({ name, url: `http://127.0.0.1:${port}`, child, requests: 0 });
      }
      const by = Date.now() + 100_000;
      for (const n of nodes) {
        for (;;) {
          if (n.child.exitCode !== null) throw new Error(`${n.name} exited with ${n.child.exitCode}`);
          const ok = await fetch(`${n.url}/readyz`).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) break;
          if (Date.now() > by) throw new Error(`${n.name} was not ready in time`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      // The test reads the same database as a third client, to count what the nodes stored.
      store = await openStore(databaseUrl, { keys: [{ id: 'n1', secret: codeKeys.slice(3) }] });
      figures.push(
        `two nodes ready on one PostgreSQL database in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }, 120_000);

    afterAll(async () => {
      for (const n of nodes) figures.push(`${n.name}: ${n.requests} requests`);
      console.log(`[multi-node figures]\n  ${figures.join('\n  ')}`);
      await Promise.all(
        nodes.map(
          (n) =>
            new Promise<void>((done) => {
              if (n.child.exitCode !== null) return done();
              n.child.once('exit', () => done());
              n.child.kill('SIGTERM');
            }),
        ),
      );
      await store?.close();
      await emu?.close();
      await adminQuery(`drop database if exists "${database}" with (force)`);
      rmSync(workDir, { recursive: true, force: true });
    }, 60_000);

    it('finishes on node 2 a flow started on node 1, and sends each code exactly once', async () => {
      const t0 = performance.now();
      const upn = 'alex.wilber@contoso.example';
      const before = emu.inspectUser(upn)?.lastPasswordChangeDateTime;
      const started = await startFlow(node(0), upn);
      expect(started.status).toBe(201);
      const { challengeId, code } = await challengeSms(node(1), started.body, '+12065550101');
      const verified = await call(
        node(0),
        'POST',
        `/api/v1/flows/${started.body.flowId}/verifications`,
        { challengeId, code },
        started.body.flowToken,
      );
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      const policy = await call(
        node(1),
        'GET',
        `/api/v1/flows/${started.body.flowId}/password-policy`,
        undefined,
        started.body.flowToken,
      );
      expect(policy.status).toBe(200);
      const done = await call(
        node(1),
        'POST',
        `/api/v1/flows/${started.body.flowId}/password`,
        { newPassword: 'Lantern-Harbor-Two-Nodes-7!' },
        started.body.flowToken,
      );
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(emu.inspectUser(upn)?.lastPasswordChangeDateTime).not.toBe(before);
      // Both outbox workers poll the same table: the code went out once, not once per node.
      await new Promise((r) => setTimeout(r, 1500));
      expect(codes.get('+12065550101')).toEqual([code]);
      figures.push(`reset started on node1, finished on node2: ${(performance.now() - t0).toFixed(0)} ms`);
    });

    it('counts exactly 5 attempts when 50 wrong codes arrive at once, split over both nodes', async () => {
      const started = await startFlow(node(1), 'miriam.graham@contoso.example');
      expect(started.status).toBe(201);
      const { challengeId, code } = await challengeSms(node(0), started.body, '+12065550108');
      const t0 = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(
            node(i),
            'POST',
            `/api/v1/flows/${started.body.flowId}/verifications`,
            { challengeId, code: wrong(code) },
            started.body.flowToken,
          ),
        ),
      );
      const ms = performance.now() - t0;
      const invalid = answers.filter((a) => a.body.code === 'code_invalid').length;
      const exhausted = answers.filter((a) => a.body.code === 'attempts_exhausted').length;
      expect(invalid + exhausted).toBe(50);
      expect(invalid).toBe(4);
      expect(
        await store.audit.list({ flowId: started.body.flowId, event: 'verification_failed' }),
      ).toHaveLength(5);
      expect((await store.flows.get(started.body.flowId))?.attemptsUsed).toBe(5);
      // The right code is worth nothing now, on either node.
      for (const n of nodes) {
        const late = await call(
          n,
          'POST',
          `/api/v1/flows/${started.body.flowId}/verifications`,
          { challengeId, code },
          started.body.flowToken,
        );
        expect(late.body.code).toBe('attempts_exhausted');
      }
      figures.push(
        `50 parallel wrong codes over both nodes: ${ms.toFixed(0)} ms, 5 counted (4 code_invalid + 1 exhausting)`,
      );
    });

    it('allows 8 flow starts per user across both nodes when 20 arrive at once', async () => {
      const t0 = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => startFlow(node(i), 'megan.bowen@contoso.example')),
      );
      const ms = performance.now() - t0;
      expect(answers.filter((a) => a.status === 201)).toHaveLength(8);
      expect(answers.filter((a) => a.status === 429 && a.body.code === 'rate_limited')).toHaveLength(12);
      figures.push(
        `20 parallel starts for one user over both nodes: ${ms.toFixed(0)} ms, 8 allowed, 12 rate_limited`,
      );
    });

    it('never counts more than the failure budget (10 per person) over flows and nodes, however guesses race', async () => {
      const upn = 'lee.gu@contoso.example';
      const phone = '+447400123456';
      const all: { flowId: string }[] = [];
      const counted = async (): Promise<number> => {
        let n = 0;
        for (const flow of all)
          n += (await store.audit.list({ flowId: flow.flowId, event: 'verification_failed' })).length;
        return n;
      };
      const t0 = performance.now();
      let guesses = 0;
      let refused: Answer | undefined;
      // An attacker who keeps going: 3 flows at once, then one more per round, 10 wrong codes per flow
      // all at once over both nodes, until a new flow is refused (at most 7 starts: below the start limit).
      for (let round = 0; round < 5 && !refused; round++) {
        const flows = [];
        for (let i = 0; i < (round === 0 ? 3 : 1); i++) {
          const started = await startFlow(node(i + round), upn);
          if (started.status !== 201) {
            refused = started;
            break;
          }
          flows.push(started.body);
        }
        const challenges: { challengeId: string; code: string }[] = [];
        for (const [i, flow] of flows.entries())
          challenges.push(await challengeSms(node(i + 1), flow, phone));
        all.push(...flows);
        await Promise.all(
          flows.flatMap((flow, f) =>
            Array.from({ length: 10 }, (_, i) =>
              call(
                node(i + f),
                'POST',
                `/api/v1/flows/${flow.flowId}/verifications`,
                { challengeId: challenges[f]?.challengeId, code: wrong(challenges[f]?.code ?? '') },
                flow.flowToken,
              ),
            ),
          ),
        );
        guesses += flows.length * 10;
        // Racing reservations may turn guesses away early (never late): one at a time, the attacker
        // then spends what is left of the budget on flows that still have attempts.
        for (const [f, flow] of flows.entries()) {
          while ((await counted()) < 10) {
            const answer = await call(
              node(f),
              'POST',
              `/api/v1/flows/${flow.flowId}/verifications`,
              { challengeId: challenges[f]?.challengeId, code: wrong(challenges[f]?.code ?? '') },
              flow.flowToken,
            );
            guesses += 1;
            if (answer.status !== 400) break;
          }
        }
        // Never more than the budget, whatever the interleaving.
        expect(await counted()).toBeLessThanOrEqual(10);
      }
      const ms = performance.now() - t0;
      expect(refused?.status).toBe(429);
      expect(refused?.body.code).toBe('rate_limited');
      expect(all.length).toBeLessThan(8);
      expect(await counted()).toBe(10);
      figures.push(
        `${guesses} wrong codes in bursts on ${all.length} flows of one person over both nodes: ${ms.toFixed(0)} ms, exactly 10 counted, then the next start refused`,
      );
    });
  });
}
