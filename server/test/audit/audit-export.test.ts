// The export of a real reset's audit (real app, SQLite): every record in order, in both formats,
// and nothing secret in either.
import { describe, expect, it } from 'vitest';
import { exportAudit } from '../../src/audit/audit-export.js';
import { challenge, setPassword, start, verify } from '../app/flow-driver.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { buildTestApp, testConfig } from '../app/test-app.js';

describe('audit export of a real reset', () => {
  it('writes every record oldest first, in pages, without a code, password, token or destination', async () => {
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({ access: accessConfig() }),
    });
    try {
      const since = new Date(Date.now() - 60_000);
      const flow = await start(t.app, people.adele.upn);
      const sent = (await challenge(t.app, flow, 'sms:1', people.adele.phone)).json() as {
        challengeId: string;
      };
      await t.delivery.worker.drainOnce();
      const code = t.delivery.sent.find((m) => m.challengeId === sent.challengeId)?.code ?? '';
      await verify(t.app, flow, sent.challengeId, code);
      const password = 'Export-Test-Pass-77';
      expect((await setPassword(t.app, flow, password)).statusCode).toBe(200);

      const stored = (await t.store.audit.list({ limit: 1000 })).reverse();
      expect(stored.length).toBeGreaterThan(3);
      for (const format of ['jsonl', 'cef'] as const) {
        let out = '';
        const n = await exportAudit(t.store.maintenance, { since, format, pageSize: 2 }, (s) => (out += s));
        expect(n).toBe(stored.length);
        const lines = out.trimEnd().split('\n');
        const events =
          format === 'jsonl'
            ? lines.map((l) => (JSON.parse(l) as { event: string }).event)
            : lines.map((l) => l.split('|')[4]);
        expect(events).toEqual(stored.map((r) => r.event));
        for (const secret of [code, password, flow.flowToken, '20123478', people.adele.email])
          expect(out).not.toContain(secret);
      }
    } finally {
      await t.close();
    }
  });
});
