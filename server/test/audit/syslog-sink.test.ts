// The syslog sink against a local TLS collector whose certificate the test CA issued: RFC 5424
// messages with octet-counting framing, records queued while the collector is down, no clear-text
// fallback to an untrusted collector, and no secret in what a real flow sends.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { createCertificateAuthority, issueServerCertificate } from '@mypass/entra-emulator/ca';
import { loadOrCreateTestCa } from '@mypass/entra-emulator/with-test-ca';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { syslogSinkSchema } from '../../src/audit/audit-config.js';
import { createSyslogSink, octetFrame, syslogMessage, type SyslogSink } from '../../src/audit/syslog-sink.js';
import type { AuditEntry } from '../../src/store/store.js';
import { people, scriptedTenant, accessConfig } from '../app/scripted-tenant.js';
import { buildTestApp, testConfig } from '../app/test-app.js';
import { challenge, setPassword, start, verify } from '../app/flow-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'mypass-syslog-'));
const testCa = loadOrCreateTestCa();
const caPath = join(dir, 'ca.pem');
writeFileSync(caPath, testCa.certPem);
const silent = pino({ level: 'silent' });
// Issued once: RSA key generation is the slow part of every collector.
const trustedCert = issueServerCertificate(testCa);

/** A collector: parses octet-counted frames from every connection. */
class Collector {
  readonly messages: string[] = [];
  private server: Server;
  private sockets = new Set<TLSSocket>();
  constructor(cert = trustedCert) {
    this.server = createServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const space = buffer.indexOf(0x20);
          if (space < 0) return;
          const length = Number(buffer.subarray(0, space).toString('ascii'));
          if (buffer.length < space + 1 + length) return;
          this.messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
          buffer = buffer.subarray(space + 1 + length);
        }
      });
    });
    this.server.on('tlsClientError', () => undefined);
  }
  listen(port = 0): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port)),
    );
  }
  /** Stops reading, as a collector that is alive but too slow. */
  stall(): void {
    for (const s of this.sockets) s.pause();
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  async waitFor(n: number): Promise<string[]> {
    for (let i = 0; i < 200 && this.messages.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return this.messages;
  }
}

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: '0190000000000001abcdef12',
  at: new Date('2026-11-28T09:15:00.123Z'),
  event: 'completed',
  flowId: 'f_abc',
  userId: 'a0000000-0000-4000-8000-000000000001',
  identifierHash: null,
  clientAddress: '192.0.2.10',
  detail: { policy: 'default' },
  ...over,
});

let collector: Collector | undefined;
let sink: SyslogSink | undefined;
afterEach(async () => {
  await sink?.close(200);
  await collector?.close();
  sink = undefined;
  collector = undefined;
});

describe('RFC 5424 over TLS', () => {
  it('formats PRI, version, time, host, app, procid, msgid, no structured data, and a BOM-led message', () => {
    const who = { hostname: 'api-1.contoso.example', appName: 'mypass', procId: '42', facility: 10 };
    const message = syslogMessage(entry(), 'json', who);
    // authpriv (10) * 8 + notice (5): a completed reset is significant.
    expect(message).toMatch(
      /^<85>1 2026-11-28T09:15:00\.123Z api-1\.contoso\.example mypass 42 completed - \uFEFF\{"id":/,
    );
    expect(syslogMessage(entry({ event: 'started' }), 'cef', who)).toMatch(
      /^<86>1 .* started - \uFEFFCEF:0\|/,
    );
    expect(syslogMessage(entry({ event: 'rate_limited' }), 'json', who)).toMatch(/^<84>1 /);
    // Header fields are PRINTUSASCII without spaces; an empty one is the NILVALUE.
    expect(syslogMessage(entry(), 'json', { ...who, hostname: 'a b\u00e9' })).toContain(' ab mypass ');
    expect(syslogMessage(entry(), 'json', { ...who, hostname: '' })).toContain(' - mypass ');
  });

  it('frames by octet count in bytes, not characters', () => {
    expect(octetFrame('<14>1 é').toString('utf8')).toBe('8 <14>1 é');
  });

  it('sends each record to a collector whose certificate the configured CA issued', async () => {
    collector = new Collector();
    const port = await collector.listen();
    sink = await createSyslogSink(syslogSinkSchema.parse({ host: '127.0.0.1', port, caPath }), {
      logger: silent,
      hostname: 'node-a',
    });
    sink.send(entry());
    sink.send(entry({ id: '0190000000000002abcdef12', event: 'cancelled' }));
    const got = await collector.waitFor(2);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatch(/^<85>1 \S+ node-a mypass \d+ completed - /);
    expect(JSON.parse((got[1] ?? '').split('\uFEFF')[1] ?? '')).toMatchObject({ event: 'cancelled' });
  });

  it('queues while the collector is down and delivers when it comes back', async () => {
    collector = new Collector();
    const port = await collector.listen();
    await collector.close();
    sink = await createSyslogSink(syslogSinkSchema.parse({ host: '127.0.0.1', port, caPath }), {
      logger: silent,
      retryMs: { first: 50, max: 100 },
    });
    sink.send(entry({ event: 'started' }));
    sink.send(entry({ event: 'verified' }));
    await new Promise((r) => setTimeout(r, 120));
    expect(sink.queued()).toBe(2);
    collector = new Collector();
    await collector.listen(port);
    const got = await collector.waitFor(2);
    expect(got.map((m) => m.split(' ')[5])).toEqual(['started', 'verified']);
    expect(sink.queued()).toBe(0);
  });

  it('never sends to a collector the configured CA did not issue, and drops the oldest past the queue limit', async () => {
    collector = new Collector(issueServerCertificate(createCertificateAuthority('Someone else')));
    const port = await collector.listen();
    sink = await createSyslogSink(
      syslogSinkSchema.parse({ host: '127.0.0.1', port, caPath, queueLimit: 2 }),
      { logger: silent, retryMs: { first: 30, max: 30 } },
    );
    for (const event of ['started', 'verified', 'completed']) sink.send(entry({ event }));
    await new Promise((r) => setTimeout(r, 200));
    expect(collector.messages).toEqual([]);
    expect(sink.queued()).toBe(2);
    expect(sink.dropped()).toBe(1);
  });

  it("keeps a stalled collector's backlog in the bounded queue, not in the socket", async () => {
    collector = new Collector();
    const port = await collector.listen();
    sink = await createSyslogSink(
      syslogSinkSchema.parse({ host: '127.0.0.1', port, caPath, queueLimit: 100 }),
      { logger: silent },
    );
    sink.send(entry());
    await collector.waitFor(1);
    collector.stall();
    // 20 MB in one go: far beyond the socket's buffer and what the kernel takes from a stalled peer.
    const big = entry({ detail: { note: 'x'.repeat(1_000) } });
    for (let i = 0; i < 20_000; i++) sink.send(big);
    expect(sink.queued()).toBe(100);
    expect(sink.dropped()).toBeGreaterThan(19_000);
  });
});

describe('the sink behind the real app', () => {
  it('receives every audit record of a reset and no code, password or flow token', async () => {
    collector = new Collector();
    const port = await collector.listen();
    sink = await createSyslogSink(
      syslogSinkSchema.parse({ host: 'localhost', port, caPath, format: 'cef' }),
      {
        logger: silent,
      },
    );
    const directory = scriptedTenant();
    const t = await buildTestApp({
      directory,
      config: testConfig({ access: accessConfig() }),
      auditSink: sink,
    });
    try {
      const flow = await start(t.app, people.adele.upn);
      const sent = (await challenge(t.app, flow, 'sms:1', people.adele.phone)).json() as {
        challengeId: string;
      };
      await t.delivery.worker.drainOnce();
      const code = t.delivery.sent.find((m) => m.challengeId === sent.challengeId)?.code ?? '';
      expect((await verify(t.app, flow, sent.challengeId, code)).statusCode).toBe(200);
      const password = 'Syslog-Test-Pass-42';
      expect((await setPassword(t.app, flow, password)).statusCode).toBe(200);
      const stored = await t.store.audit.list({ flowId: flow.flowId });
      const got = await collector.waitFor(stored.length);
      expect(got.map((m) => m.split(' ')[5]).sort()).toEqual(stored.map((r) => r.event).sort());
      const all = got.join('\n');
      for (const secret of [code, password, flow.flowToken, people.adele.phone.slice(3)]) {
        expect(all).not.toContain(secret);
      }
    } finally {
      await t.close();
    }
  });
});
