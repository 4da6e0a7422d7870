// mypass licenses, audit export and user purge, in-process against the Entra ID emulator and a
// SQLite file store named by the configuration, as an administrator runs them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeIdentifier } from '@mypass/flows';
import { DEFAULT_API_APP_ROLES, startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditExport } from '../../src/cli/audit-command.js';
import { runCli } from '../../src/cli/commands.js';
import { userPurge } from '../../src/cli/user-command.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { emulatorDirectorySection } from '../directory/emulator-config.js';

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), 'mypass-admin-'));
const keys = [{ id: 'k1', secret: 'admin-test-code-key-0123456789abcdef' }];
let seq = 0;

function writeConfig(
  access: Record<string, unknown>,
  dbName = `db${++seq}.sqlite`,
): { file: string; url: string } {
  const url = `sqlite:${join(dir, dbName)}`;
  const file = join(dir, `config${seq}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      directory: emulatorDirectorySection(emu),
      access,
      store: { url, codeKeys: keys },
      flows: { decoyKey: 'admin-test-decoy-key-0123456789abcdef' },
    }),
  );
  return { file, url };
}

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (t: string) => (out.stdout += t),
      stderr: (t: string) => (out.stderr += t),
      env: { NODE_ENV: 'test' } as NodeJS.ProcessEnv,
    },
  };
}

async function withStore<T>(url: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(url, { keys });
  await store.migrate();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

/** Licensed non-guest users, worked out from the emulator's own view of each user. */
async function expectedSeats(): Promise<number> {
  const token = await fetch(`${emu.origin}/${emu.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emu.apiApp.clientId,
      client_secret: emu.apiApp.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  }).then(async (r) => String(((await r.json()) as { access_token: string }).access_token));
  const users = (await fetch(`${emu.origin}/v1.0/users?$select=id,userType&$top=999`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.json())) as { value: { id: string; userType: string | null }[] };
  return users.value.filter(
    (u) => u.userType !== 'Guest' && emu.inspectUser(u.id)?.groups.includes('MyPass Licensed'),
  ).length;
}

describe('mypass licenses', () => {
  it('prints seats used through nested groups and the seats available', async () => {
    const expected = await expectedSeats();
    expect(expected).toBeGreaterThan(2);
    const { file } = writeConfig({ licensedGroups: [emu.groups['MyPass Licensed']], seats: 1000 });
    const run = io();
    expect(await runCli(['licenses', '--config', file], run.io)).toBe(0);
    expect(run.out.stdout).toContain(`Seats used       ${expected}\n`);
    expect(run.out.stdout).toContain('Seats bought     1000\n');
    expect(run.out.stdout).toContain(`Seats available  ${1000 - expected}\n`);
    expect(run.out.stdout).not.toContain('WARNING');
  });

  it('warns on over-allocation and counts a user in two licensed groups once', async () => {
    const expected = await expectedSeats();
    const { file } = writeConfig({
      licensedGroups: [emu.groups['MyPass Licensed'], emu.groups['Copenhagen Office']],
      seats: 2,
    });
    const run = io();
    expect(await runCli(['licenses', '--config', file], run.io)).toBe(0);
    expect(run.out.stdout).toContain(`Seats used       ${expected}\n`);
    expect(run.out.stdout).toContain('Seats available  0\n');
    expect(run.out.stdout).toContain(`WARNING: ${expected - 2} more users than seats. Nobody is refused`);
  });

  it('says so when no groups are licensed, and fails with a code when Graph refuses', async () => {
    const none = io();
    expect(await runCli(['licenses', '--config', writeConfig({}).file], none.io)).toBe(0);
    expect(none.out.stdout).toContain('No licensed groups are configured');
    emu.setApiAppRoles(['User.Read.All']);
    try {
      const denied = io();
      const { file } = writeConfig({ licensedGroups: [emu.groups['MyPass Licensed']] });
      expect(await runCli(['licenses', '--config', file], denied.io)).toBe(1);
      expect(denied.out.stderr).toMatch(
        /could not be read \(Authorization_RequestDenied|permission_denied\)/,
      );
    } finally {
      emu.setApiAppRoles([...DEFAULT_API_APP_ROLES]);
    }
  });
});

describe('mypass audit export', () => {
  it('exports the records between two times, oldest first, as JSON lines or CEF', async () => {
    const { file, url } = writeConfig({});
    await withStore(url, async (store) => {
      for (const [event, at] of [
        ['started', '2026-11-01T09:00:00Z'],
        ['completed', '2026-11-02T09:00:00Z'],
        ['cancelled', '2026-11-03T09:00:00Z'],
      ] as const) {
        await store.audit.record({
          event,
          at: new Date(at),
          clientAddress: '192.0.2.7',
          detail: { reason: 'a=b|c' },
        });
      }
    });
    const jsonl = io();
    expect(
      await auditExport(
        ['--since', '2026-11-01T12:00:00Z', '--until', '2026-11-03', '--config', file],
        jsonl.io,
      ),
    ).toBe(0);
    const lines = jsonl.out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['event'])).toEqual(['completed']);

    const cef = io();
    expect(
      await auditExport(
        ['--since', '2026-10-01', '--format', 'cef', '--config', file],
        cef.io,
        new Date('2026-11-28T00:00:00Z'),
      ),
    ).toBe(0);
    const cefLines = cef.out.stdout.trimEnd().split('\n');
    expect(cefLines.map((l) => l.split('|')[4])).toEqual(['started', 'completed', 'cancelled']);
    expect(cefLines[0]).toContain('reason=a\\=b|c');

    const recent = io();
    expect(
      await auditExport(['--since', '24h', '--config', file], recent.io, new Date('2026-11-03T10:00:00Z')),
    ).toBe(0);
    expect(
      recent.out.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event: string }).event),
    ).toEqual(['cancelled']);
  });

  it('answers usage errors with exit code 2 and a stable reason, never a stack trace', async () => {
    const { file } = writeConfig({});
    for (const [args, reason] of [
      [['--format', 'cef'], '--since is required'],
      [['--since', 'yesterday'], 'invalid_time'],
      [['--since', '24h', '--until', 'soon'], 'invalid_time'],
      [['--since', '24h', '--format', 'xml'], 'invalid_format'],
      [['--since', '24h', '--verbose'], 'Unknown option'],
    ] as const) {
      const run = io();
      expect(await runCli(['audit', 'export', ...args, '--config', file], run.io)).toBe(2);
      expect(run.out.stderr).toContain(reason);
      expect(run.out.stderr).not.toMatch(/\n\s+at /);
    }
    const unknown = io();
    expect(await runCli(['audit', 'import'], unknown.io)).toBe(2);
  });
});

describe('mypass user purge', () => {
  it("removes a person's flows found by any of their directory names, and reports what it kept", async () => {
    const { file, url } = writeConfig({});
    const lynne = emu.inspectUser('lynne.robbins@contoso.example');
    if (!lynne) throw new Error('no Lynne in the demo tenant');
    await withStore(url, async (store) => {
      for (const [id, userId, name] of [
        ['f_real', lynne.id, 'lynne.robbins@contoso.example'],
        // Started by typing her employee id; refused, so no user id on the flow.
        ['f_byid', null, '100123'],
        ['f_other', null, 'adele.vance@contoso.example'],
      ] as const) {
        const identifierHash = store.keyring.lookupHash('identifier', normalizeIdentifier(name));
        await store.flows.create({
          id,
          tokenHash: `t-${id}`,
          purpose: 'reset',
          userId,
          decoy: userId === null,
          identifierHash,
          policyName: 'default',
          methods: [],
          expiresAt: new Date(Date.now() + 600_000),
          locale: 'en',
          clientAddress: '192.0.2.1',
        });
        await store.audit.record({ event: 'started', flowId: id, userId, identifierHash });
      }
    });
    const run = io();
    expect(await runCli(['user', 'purge', 'Lynne.Robbins@contoso.example', '--config', file], run.io)).toBe(
      0,
    );
    expect(run.out.stdout).toContain(`Purged ${lynne.id}`);
    expect(run.out.stdout).toMatch(/flows\s+2 /);
    expect(run.out.stdout).toContain('Kept: one "user_purged" audit record');
    await withStore(url, async (store) => {
      expect(await store.flows.get('f_real')).toBeUndefined();
      expect(await store.flows.get('f_byid')).toBeUndefined();
      expect(await store.flows.get('f_other')).toBeDefined();
      const audit = await store.audit.list();
      expect(audit.map((a) => a.event).sort()).toEqual(['started', 'user_purged']);
      expect(audit.find((a) => a.event === 'user_purged')?.userId).toBe(lynne.id);
    });
  });

  it('refuses anything but exactly one name', async () => {
    for (const args of [[], ['a@b', 'c@d'], ['../etc/passwd']]) {
      const run = io();
      expect(await userPurge(args, run.io)).toBe(2);
      expect(run.out.stderr).toContain('name exactly one person');
    }
  });
});

describe('mypass retention run', () => {
  it('purges what is past the configured periods and says how much', async () => {
    const { file, url } = writeConfig({});
    await withStore(url, async (store) => {
      await store.audit.record({ event: 'started', at: new Date(Date.now() - 400 * 86_400_000) });
      await store.audit.record({ event: 'completed', at: new Date() });
    });
    const run = io();
    expect(await runCli(['retention', 'run', '--config', file], run.io)).toBe(0);
    expect(run.out.stdout).toContain('1 audit records.');
    await withStore(url, async (store) => {
      expect((await store.audit.list()).map((a) => a.event)).toEqual(['completed']);
    });
  });
});

describe('--config/--help handling shared by licenses and retention run', () => {
  for (const command of [['licenses'], ['retention', 'run']]) {
    const name = command.join(' ');
    it(`${name}: --help prints the usage and exits 0`, async () => {
      const run = io();
      expect(await runCli([...command, '--help'], run.io)).toBe(0);
      expect(run.out.stdout).toContain(`usage: mypass ${name} [--config FILE]`);
    });
    it(`${name}: an unknown option is a usage error (2) naming the command`, async () => {
      const run = io();
      expect(await runCli([...command, '--nope'], run.io)).toBe(2);
      expect(run.out.stderr).toMatch(new RegExp(`^mypass ${name}: .*--nope`));
      expect(run.out.stderr).toContain('usage:');
    });
    it(`${name}: an invalid configuration is a configuration error (2)`, async () => {
      const file = join(dir, `invalid-${command.join('-')}.json`);
      writeFileSync(file, JSON.stringify({ store: { url: 42 } }));
      const run = io();
      expect(await runCli([...command, '--config', file], run.io)).toBe(2);
      expect(run.out.stderr).toContain(`mypass ${name}: the configuration is not valid`);
    });
  }
});
