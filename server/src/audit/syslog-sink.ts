// The syslog sink: each audit record as an RFC 5424 message over TCP with TLS, framed by octet
// counting (`MSG-LEN SP SYSLOG-MSG`, RFC 5425 §4.3 / RFC 6587 §3.4.1). The collector's certificate
// is verified against the configured CA and host name; nothing is ever sent in clear text.
// Sending never blocks or fails a flow: records wait in a bounded queue while the collector is
// down (the oldest are dropped and counted beyond it) and the store keeps every record anyway.
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { AuditEntry } from '../store/store.js';
import type { SyslogSinkConfig } from './audit-config.js';
import { auditCefLine, auditJsonLine, cefSeverity } from './audit-format.js';
import type { AuditSink } from './audit-log.js';

/** RFC 5424 severities: warning 4, notice 5, informational 6 (from the CEF severity 0-10). */
export function syslogSeverity(event: string): number {
  const cef = cefSeverity(event);
  return cef >= 6 ? 4 : cef >= 4 ? 5 : 6;
}

/** PRINTUSASCII (33-126) only, at most `max`; the NILVALUE `-` when nothing is left. */
function header(value: string, max: number): string {
  const cleaned = value.replace(/[^!-~]/g, '').slice(0, max);
  return cleaned === '' ? '-' : cleaned;
}

export interface SyslogIdentity {
  hostname: string;
  appName: string;
  procId: string;
  facility: number;
}

/** One RFC 5424 message (without framing). MSG is UTF-8 with a BOM, as §6.4 asks for. */
export function syslogMessage(entry: AuditEntry, format: 'json' | 'cef', who: SyslogIdentity): string {
  const pri = who.facility * 8 + syslogSeverity(entry.event);
  const body = format === 'cef' ? auditCefLine(entry) : auditJsonLine(entry);
  return [
    `<${pri}>1`,
    entry.at.toISOString(),
    header(who.hostname, 255),
    header(who.appName, 48),
    header(who.procId, 128),
    header(entry.event, 32),
    '-',
    `\uFEFF${body}`,
  ].join(' ');
}

/** Octet-counting frame: the message's length in bytes, a space, the message. */
export function octetFrame(message: string): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}

export interface SyslogSink extends AuditSink {
  /** Records dropped because the queue was full. */
  dropped(): number;
  /** Records waiting for the collector. */
  queued(): number;
  /** Sends what is queued (waits up to `timeoutMs`), then closes the connection. */
  close(timeoutMs?: number): Promise<void>;
}

export async function createSyslogSink(
  config: SyslogSinkConfig,
  deps: { logger: Logger; hostname?: string; retryMs?: { first: number; max: number } },
): Promise<SyslogSink> {
  const log = deps.logger.child({ component: 'syslog-sink' });
  const [ca, cert, key] = await Promise.all([
    config.caPath ? readFile(config.caPath) : undefined,
    config.clientCertificatePath ? readFile(config.clientCertificatePath) : undefined,
    config.clientKeyPath ? readFile(config.clientKeyPath) : undefined,
  ]);
  const who: SyslogIdentity = {
    hostname: deps.hostname ?? osHostname(),
    appName: config.appName,
    procId: String(process.pid),
    facility: config.facility,
  };
  const retry = deps.retryMs ?? { first: 1_000, max: 60_000 };
  const queue: Buffer[] = [];
  let dropped = 0;
  let socket: TLSSocket | null = null;
  let ready = false;
  let closed = false;
  let delay = retry.first;
  let timer: NodeJS.Timeout | null = null;
  let drained: (() => void) | null = null;
  // While the socket's buffer is full, records wait in the bounded queue instead of piling up in
  // the socket (a slow collector must not grow the API's memory past `queueLimit`).
  let waitingForDrain = false;

  const flush = (): void => {
    if (waitingForDrain) return;
    while (ready && socket && queue.length > 0) {
      const frame = queue[0] as Buffer;
      // Removed only once handed to the socket; a connection lost after that may lose what the
      // kernel had not sent yet (the store still holds it: `mypass audit export`).
      queue.shift();
      if (!socket.write(frame)) {
        waitingForDrain = true;
        socket.once('drain', () => {
          waitingForDrain = false;
          flush();
        });
        return;
      }
    }
    if (queue.length === 0) drained?.();
  };

  const scheduleReconnect = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      open();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, retry.max);
  };

  const open = (): void => {
    if (closed) return;
    const s = connect({
      host: config.host,
      port: config.port,
      ...(isIP(config.host) === 0 ? { servername: config.host } : {}),
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      minVersion: 'TLSv1.2',
    });
    socket = s;
    s.setKeepAlive(true, 30_000);
    s.once('secureConnect', () => {
      ready = true;
      delay = retry.first;
      log.info({ host: config.host, port: config.port }, 'syslog collector connected');
      flush();
    });
    s.on('data', () => undefined); // The protocol is one-way; anything the collector says is ignored.
    s.once('error', (error: NodeJS.ErrnoException) => {
      log.warn({ code: error.code ?? 'tls_error', host: config.host }, 'syslog collector unreachable');
    });
    s.once('close', () => {
      ready = false;
      waitingForDrain = false;
      if (socket === s) socket = null;
      scheduleReconnect();
    });
  };

  open();

  return {
    send(entry) {
      if (closed) return;
      if (queue.length >= config.queueLimit) {
        queue.shift();
        dropped += 1;
        if (dropped === 1 || dropped % 1000 === 0)
          log.warn({ dropped }, 'syslog queue full: oldest records dropped (the store keeps them)');
      }
      queue.push(octetFrame(syslogMessage(entry, config.format, who)));
      flush();
    },
    dropped: () => dropped,
    queued: () => queue.length,
    async close(timeoutMs = 2_000) {
      if (queue.length > 0 && ready) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, timeoutMs);
          drained = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      closed = true;
      if (timer) clearTimeout(timer);
      const s = socket;
      if (s) await new Promise<void>((resolve) => s.end(resolve));
    },
  };
}
