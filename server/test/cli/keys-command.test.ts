// mypass keys status / reseal, in-process against a SQLite file store named by the configuration,
// through a rotation as an administrator runs it: seal with A, configure [B, A], reseal, drop A.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';
import { keysStatus, type KeysStatusReport } from '../../src/cli/keys-command.js';
import { createCodeKeyring, type CodeKeyConfig } from '../../src/store/code-keyring.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { keyA, keyB, keyC, sealRows, type SealedRows } from '../store/sealed-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'mypass-keys-'));
let seq = 0;

/** Everything a run printed, checked by `expectNothingSecret` after every command. */
const printed: string[] = [];
/** Clear values sealed in the stores of this file: none may ever be printed. */
const clearValues: string[] = [];

function writeConfig(keys: CodeKeyConfig[], dbFile: string): string {
  const file = join(dir, `config${++seq}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      directory: {
        tenantId: '00000000-0000-4000-8000-000000000001',
        clientId: '00000000-0000-4000-8000-000000000002',
        clientSecret: 'not-used-by-the-keys-command',
      },
      store: { url: `sqlite:${dbFile}`, codeKeys: keys },
      flows: { decoyKey: 'keys-test-decoy-key-0123456789abcdef' },
    }),
  );
  return file;
}

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (t: string) => {
        out.stdout += t;
        printed.push(t);
      },
      stderr: (t: string) => {
        out.stderr += t;
        printed.push(t);
      },
      env: { NODE_ENV: 'test' } as NodeJS.ProcessEnv,
    },
  };
}

async function cli(args: string[]) {
  const run = io();
  const code = await runCli(args, run.io);
  return { code, ...run.out };
}

async function withStore<T>(
  dbFile: string,
  keys: CodeKeyConfig[],
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(`sqlite:${dbFile}`, { keys });
  await store.migrate();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function seal(dbFile: string, keys: CodeKeyConfig[], tag: string, users = 2): Promise<SealedRows> {
  const rows = await withStore(dbFile, keys, (store) => sealRows(store, tag, users));
  for (const list of rows.destinations.values()) clearValues.push(...list);
  clearValues.push(rows.flowDestination);
  for (const text of rows.queued.values()) clearValues.push(text, ...(text.match(/\d{6}/g) ?? []));
  return rows;
}

function rawRows(dbFile: string, table: 'enrollments' | 'outbox'): Record<string, unknown>[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(`select * from "${table}" order by id`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

function expectNothingSecret(): void {
  const all = printed.join('');
  for (const key of [keyA, keyB, keyC]) {
    expect(all).not.toContain(key.secret);
    expect(all).not.toContain(key.secret.slice(0, 8));
  }
  for (const value of clearValues) expect(all).not.toContain(value);
}

describe('mypass keys: rotating from key A to key B', () => {
  const db = join(dir, 'rotation.db');
  let rows: SealedRows;

  it('status with [B, A]: A still seals enrollments and queued messages and cannot be dropped', async () => {
    rows = await seal(db, [keyA], 'r');
    const file = writeConfig([keyB, keyA], db);
    const status = await cli(['keys', 'status', '--config', file]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Configured keys, newest first: kB (current), kA\n');
    expect(status.stdout).toMatch(/^kB\s+current\s+0\s+0\s+0\s+0\s+0$/m);
    expect(status.stdout).toMatch(/^kA\s+configured\s+4\s+2\s+2\s+1\s+1$/m);
    expect(status.stdout).toContain(
      'Verdict: can be dropped now: none; needs `mypass keys reseal` first: kA; still signs live codes (wait up to 10 minutes): none.',
    );
    const json = await cli(['keys', 'status', '--config', file, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as KeysStatusReport;
    expect(report).toMatchObject({
      configuredKeys: ['kB', 'kA'],
      currentKeyId: 'kB',
      droppable: [],
      needsReseal: ['kA'],
      unreadable: false,
    });
    expect(report.keys.find((k) => k.keyId === 'kA')).toEqual({
      keyId: 'kA',
      state: 'configured',
      enrollmentsConfirmed: 4,
      enrollmentsPending: 2,
      outbox: 2,
      liveChallenges: 1,
      flows: 1,
    });
    expectNothingSecret();
  });

  it('reseal --dry-run counts and writes nothing', async () => {
    const before = [rawRows(db, 'enrollments'), rawRows(db, 'outbox')];
    const run = await cli(['keys', 'reseal', '--dry-run', '--config', writeConfig([keyB, keyA], db)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Would re-encrypt with key kB: 6 enrolled methods, 2 outbox messages, 1 flows.\n',
    );
    expect(run.stdout).toContain('Dry run: nothing was written.');
    expect([rawRows(db, 'enrollments'), rawRows(db, 'outbox')]).toEqual(before);
    expectNothingSecret();
  });

  it('reseal re-encrypts them under B; status then waits only for the live code signed with A', async () => {
    const file = writeConfig([keyB, keyA], db);
    const run = await cli(['keys', 'reseal', '--config', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Re-encrypted with key kB: 6 enrolled methods, 2 outbox messages, 1 flows.\n',
    );
    expect(run.stdout).toContain('left unchanged: 0 enrolled methods, 0 outbox messages, 0 flows.');
    expect(rawRows(db, 'enrollments').every((r) => String(r.destination).startsWith('v1.kB.'))).toBe(true);

    const status = io();
    expect(await keysStatus(['--config', file], status.io)).toBe(0);
    expect(status.out.stdout).toMatch(/^kA\s+configured\s+0\s+0\s+0\s+0\s+1$/m);
    expect(status.out.stdout).toContain('still signs live codes (wait up to 10 minutes): kA.');
    // Codes live 10 minutes: 11 minutes on, nothing needs A.
    const later = io();
    expect(await keysStatus(['--config', file], later.io, new Date(Date.now() + 11 * 60_000))).toBe(0);
    expect(later.out.stdout).toContain(
      'Verdict: can be dropped now: kA; needs `mypass keys reseal` first: none;',
    );
    expectNothingSecret();
  });

  it('with [B] alone every enrollment still decrypts and status has nothing to drop', async () => {
    await withStore(db, [keyB], async (store) => {
      for (const [userId, destinations] of rows.destinations) {
        const records = await store.enrollments.listForUser(userId);
        expect(records.map((r) => r.destination)).toEqual(destinations);
      }
      for (const [id, text] of rows.queued) expect((await store.outbox.get(id))?.payload?.text).toBe(text);
    });
    const file = writeConfig([keyB], db);
    const later = io();
    expect(await keysStatus(['--config', file], later.io, new Date(Date.now() + 11 * 60_000))).toBe(0);
    expect(later.out.stdout).toContain(
      'Verdict: only the current key is configured; there is no older key to drop.',
    );
    expect(later.out.stdout).not.toContain('NOT CONFIGURED');
    expectNothingSecret();
  });
});

describe('mypass keys: rows sealed with a key that is not configured', () => {
  it('counts them unreadable, leaves them byte for byte and exits 3', async () => {
    const db = join(dir, 'unknown.db');
    await seal(db, [keyC], 'u');
    await seal(db, [keyA], 'v', 1);
    // A damaged value: no key id can be read from it.
    const raw = new Database(db);
    raw.prepare(`update enrollments set destination = 'garbage' where id = 'enr-v-0-2'`).run();
    raw.close();
    const file = writeConfig([keyB, keyA], db);

    const status = await cli(['keys', 'status', '--config', file]);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/^kC\s+NOT CONFIGURED \(unreadable\)\s+4\s+2\s+2\s+1\s+1$/m);
    expect(status.stdout).toMatch(/^\(damaged\)\s+unreadable\s+1\s+-\s+0\s+0\s+-$/m);
    expect(status.stdout).toContain(
      'UNREADABLE: rows are sealed or signed with key ids that are not configured (kC)',
    );

    const unknownRows = () => ({
      enrollments: rawRows(db, 'enrollments').filter(
        (r) => String(r.destination).startsWith('v1.kC.') || r.destination === 'garbage',
      ),
      outbox: rawRows(db, 'outbox').filter((r) => String(r.payload).startsWith('v1.kC.')),
    });
    const before = unknownRows();
    expect(before.enrollments).toHaveLength(7);
    const reseal = await cli(['keys', 'reseal', '--config', file]);
    expect(reseal.code).toBe(3);
    expect(reseal.stdout).toContain(
      'Re-encrypted with key kB: 2 enrolled methods, 2 outbox messages, 1 flows.\n',
    );
    expect(reseal.stdout).toContain('left unchanged: 7 enrolled methods, 2 outbox messages, 1 flows.');
    const after = unknownRows();
    expect(after.enrollments).toEqual(before.enrollments);
    expect(after.outbox).toEqual(before.outbox);
    expectNothingSecret();
  });
});

describe('mypass keys: rows an older version wrote in clear', () => {
  it('status reports them, reseal seals them and says the old text needs a VACUUM', async () => {
    const db = join(dir, 'clear.db');
    const rows = await seal(db, [keyA], 'o', 1);
    const raw = new Database(db);
    const flow = raw.prepare('select methods from flows where id = ?').get(rows.flowId) as {
      methods: string;
    };
    const methods = createCodeKeyring([keyA]).decrypt(flow.methods) ?? '';
    raw.prepare('update flows set methods = ? where id = ?').run(methods, rows.flowId);
    raw.close();
    const file = writeConfig([keyA], db);

    const status = await cli(['keys', 'status', '--config', file]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^\(none\)\s+not sealed yet\s+-\s+-\s+0\s+1\s+-$/m);
    expect(status.stdout).toContain(
      '1 flows and 0 outbox messages an older version wrote hold destinations in clear',
    );
    const reseal = await cli(['keys', 'reseal', '--config', file]);
    expect(reseal.code).toBe(0);
    expect(reseal.stdout).toContain('1 of them an older version had written in clear');
    expect(reseal.stdout).toContain('VACUUM');
    expect((await cli(['keys', 'status', '--config', file])).stdout).not.toContain('not sealed yet');
    expectNothingSecret();
  });
});

describe('mypass keys: usage and failures', () => {
  it('--help exits 0; no subcommand, an unknown one or an unknown option exits 2', async () => {
    for (const sub of ['status', 'reseal']) {
      const help = await cli(['keys', sub, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`usage: mypass keys ${sub} [--config FILE]`);
      expect(help.stdout).toContain('Exit code: 0');
      const bad = await cli(['keys', sub, '--nope']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(new RegExp(`^mypass keys ${sub}: .*--nope`));
    }
    expect((await cli(['keys', 'reseal', '--json'])).code).toBe(2);
    expect((await cli(['keys', 'status', '--dry-run'])).code).toBe(2);
    const none = await cli(['keys']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: mypass keys status');
    expect((await cli(['keys', 'rotate'])).stderr).toContain('mypass keys: unknown subcommand "rotate"');
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}keys\s+which code keys/m);
  });

  it('an invalid configuration exits 2, a store that cannot be opened exits 1, with no secret', async () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ store: { url: 42 } }));
    const bad = await cli(['keys', 'status', '--config', invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mypass keys status: the configuration is not valid');
    for (const sub of ['status', 'reseal']) {
      const file = writeConfig([keyB, keyA], join(dir, 'no-such-dir', 'x.db'));
      const run = await cli(['keys', sub, '--config', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`mypass keys ${sub}: the store cannot be opened (store_unavailable)\n`);
    }
    expectNothingSecret();
  });
});
