// The bench's floor: the least work any reset API on MyPass's stack does per complete reset, with
// none of the defences. Not the product and never served: `npm run bench` runs it on the same
// machine, emulator and users as the real API, so its figures say what the machine and the stack
// themselves allow. Per reset it does what no implementation of the issue can skip: five HTTP
// requests through Fastify with zod-validated bodies; the same three Graph requests through the real
// connector (msal-node, the Graph client, undici, TLS); 20 SQL statements through Kysely on SQLite
// with cached prepared statements (four token-checked flow reads, a flow written and changed twice,
// a challenge written, read and consumed, two counters, five audit rows, three outbox writes);
// SHA-256, an HMAC and a random code; the code
// printed as the demo delivery prints it. No policy, decoy, limit check, timing floor, logger, metric,
// sealing, notification per method, header or problem+json answer.
//
// The bench transpiles this file alone (no tsx loader in the measured process) and runs it with
// `--config FILE --port N`; it imports the compiled server (server/dist).
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify, { type FastifyRequest } from 'fastify';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { z } from 'zod';
import { loadConfig } from '@mypass/server/config/load-config';
import { createEntraDirectory } from '@mypass/server/directory/entra-directory';

interface FloorTables {
  flows: { id: string; token_hash: string; user_id: string; methods: string; state: string };
  challenges: {
    id: string;
    flow_id: string;
    code_hmac: string;
    expires_at: number;
    consumed_at: number | null;
  };
  outbox: { id: string; destination: string; payload: string; status: string };
  audit: { id: string; at: number; event: string; flow_id: string };
  counters: { key: string; window_start: number; count: number };
}

function argument(name: string): string {
  const value = process.argv[process.argv.indexOf(name) + 1];
  if (!process.argv.includes(name) || value === undefined) throw new Error(`${name} is required`);
  return value;
}

const loaded = await loadConfig({ file: argument('--config') });
if (!loaded.ok) throw new Error(`the configuration is invalid: ${loaded.error.message}`);
const { config } = loaded;
const connected = await createEntraDirectory(config.directory);
if (!connected.ok) throw new Error(`the directory connector could not start (${connected.code})`);
const directory = connected.value;
const groupIds = config.access.policies.flatMap((policy) => policy.groups);

const workDir = mkdtempSync(join(tmpdir(), 'mypass-floor-'));
const sqlite = new Database(join(workDir, 'floor.db'));
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.exec(`
  create table flows (id text primary key, token_hash text not null, user_id text not null, methods text not null, state text not null);
  create table challenges (id text primary key, flow_id text not null, code_hmac text not null, expires_at integer not null, consumed_at integer);
  create table outbox (id text primary key, destination text not null, payload text not null, status text not null);
  create table audit (id text primary key, at integer not null, event text not null, flow_id text not null);
  create table counters (key text not null, window_start integer not null, count integer not null, primary key (key, window_start));
`);
// Prepared once per statement text, as the real store's hot statements are.
const prepared = new Map<string, SqliteStatement>();
const database: SqliteDatabase = {
  close: () => void sqlite.close(),
  prepare(sql) {
    let statement = prepared.get(sql);
    if (!statement) {
      statement = sqlite.prepare(sql) as unknown as SqliteStatement;
      prepared.set(sql, statement);
    }
    return statement;
  },
};
const db = new Kysely<FloorTables>({ dialect: new SqliteDialect({ database }) });

const codeKey = randomBytes(32);
const newId = () => randomBytes(16).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const codeHmac = (code: string) => createHmac('sha256', codeKey).update(code).digest('base64url');
const audit = (event: string, flowId: string) =>
  db.insertInto('audit').values({ id: newId(), at: Date.now(), event, flow_id: flowId }).execute();
const count = (key: string) =>
  db
    .insertInto('counters')
    .values({ key, window_start: Math.floor(Date.now() / 60_000), count: 1 })
    .onConflict((conflict) =>
      conflict
        .columns(['key', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb('counters.count', '+', 1) })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();

class FloorRefusal extends Error {
  constructor(readonly statusCode: number) {
    super(`refused (${statusCode})`);
  }
}

interface FloorMethod {
  id: string;
  to: string;
}

async function flowOf(request: FastifyRequest) {
  const { id } = request.params as { id: string };
  const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
  const flow = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
  if (!flow || !timingSafeEqual(Buffer.from(flow.token_hash, 'base64url'), sha256(token)))
    throw new FloorRefusal(404);
  return flow;
}

const startBody = z.object({ purpose: z.literal('reset'), username: z.string().min(1).max(256) });
const challengeBody = z.object({ method: z.string().max(64), confirm: z.string().max(256) });
const verificationBody = z.object({ challengeId: z.string().max(64), code: z.string().regex(/^\d{6}$/) });
const passwordBody = z.object({ newPassword: z.string().min(8).max(256) });

const app = Fastify();
app.get('/readyz', async () => ({ ready: true }));

app.post('/api/v1/flows', async (request, reply) => {
  const body = startBody.parse(request.body);
  await count(`name:${body.username}`);
  const lookup = await directory.lookupUser(body.username);
  if (!lookup.ok || lookup.value.kind !== 'found') throw new FloorRefusal(404);
  const context = await directory.getUserContext(lookup.value.user.id, groupIds);
  if (!context.ok) throw new FloorRefusal(503);
  const methods: FloorMethod[] = context.value.phoneMethods.map((p) => ({ id: p.id, to: p.phoneNumber }));
  const flowId = newId();
  const flowToken = randomBytes(32).toString('base64url');
  await db
    .insertInto('flows')
    .values({
      id: flowId,
      token_hash: sha256(flowToken).toString('base64url'),
      user_id: lookup.value.user.id,
      methods: JSON.stringify(methods),
      state: 'started',
    })
    .execute();
  await audit('started', flowId);
  return reply
    .code(201)
    .send({ flowId, flowToken, methods: methods.map((m) => ({ id: m.id, kind: 'sms' })) });
});

app.post('/api/v1/flows/:id/challenges', async (request, reply) => {
  const flow = await flowOf(request);
  const body = challengeBody.parse(request.body);
  const method = (JSON.parse(flow.methods) as FloorMethod[]).find((m) => m.id === body.method);
  const destination = method?.to.replace(/\s+/g, '');
  if (!method || destination !== body.confirm) throw new FloorRefusal(400);
  await count(`destination:${destination}`);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const challengeId = newId();
  await db
    .insertInto('challenges')
    .values({
      id: challengeId,
      flow_id: flow.id,
      code_hmac: codeHmac(code),
      expires_at: Date.now() + 600_000,
      consumed_at: null,
    })
    .execute();
  const outboxId = newId();
  await db
    .insertInto('outbox')
    .values({ id: outboxId, destination, payload: 'code', status: 'queued' })
    .execute();
  await audit('code_queued', flow.id);
  process.stdout.write(`[demo] code ${code} -> ${destination} (sms)\n`);
  await db.updateTable('outbox').set({ status: 'sent', payload: '' }).where('id', '=', outboxId).execute();
  await audit('code_sent', flow.id);
  return reply.code(202).send({ challengeId });
});

app.post('/api/v1/flows/:id/verifications', async (request) => {
  const flow = await flowOf(request);
  const body = verificationBody.parse(request.body);
  const challenge = await db
    .selectFrom('challenges')
    .selectAll()
    .where('id', '=', body.challengeId)
    .where('flow_id', '=', flow.id)
    .executeTakeFirst();
  if (!challenge || !timingSafeEqual(Buffer.from(codeHmac(body.code)), Buffer.from(challenge.code_hmac)))
    throw new FloorRefusal(400);
  await db
    .updateTable('challenges')
    .set({ consumed_at: Date.now() })
    .where('id', '=', challenge.id)
    .where('consumed_at', 'is', null)
    .execute();
  await db.updateTable('flows').set({ state: 'verified' }).where('id', '=', flow.id).execute();
  await audit('verified', flow.id);
  return { state: 'verified' };
});

app.get('/api/v1/flows/:id/password-policy', async (request) => {
  await flowOf(request);
  return { minLength: 8, maxLength: 256 };
});

app.post('/api/v1/flows/:id/password', async (request) => {
  const flow = await flowOf(request);
  const body = passwordBody.parse(request.body);
  if (flow.state !== 'verified') throw new FloorRefusal(409);
  const changed = await directory.resetPassword(flow.user_id, body.newPassword);
  if (!changed.ok) throw new FloorRefusal(503);
  await db.updateTable('flows').set({ state: 'completed' }).where('id', '=', flow.id).execute();
  await audit('completed', flow.id);
  await db
    .insertInto('outbox')
    .values({ id: newId(), destination: 'notice', payload: 'done', status: 'queued' })
    .execute();
  return { state: 'completed' };
});

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => directory.close())
    .finally(() => {
      sqlite.close();
      rmSync(workDir, { recursive: true, force: true });
      process.exit(0);
    });
});
await app.listen({ host: '127.0.0.1', port: Number(argument('--port')) });
