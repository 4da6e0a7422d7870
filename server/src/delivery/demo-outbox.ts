// The demo's delivery: messages are kept in memory only (threat-model.md T8: the demo outbox never
// touches disk), listed newest first for GET /api/demo/outbox, and announced to a listener so the
// demo can print codes on its own standard output (never through the logger).
import type {
  DemoOutbox,
  DemoOutboxEntry,
  EmailMessage,
  EmailProvider,
  SmsMessage,
  SmsProvider,
} from './delivery.js';

export interface DemoDelivery {
  outbox: DemoOutbox;
  sms: SmsProvider;
  email: EmailProvider;
}

export function createDemoDelivery(options: { capacity?: number; now?: () => Date } = {}): DemoDelivery {
  const capacity = options.capacity ?? 500;
  const now = options.now ?? (() => new Date());
  const entries: DemoOutboxEntry[] = [];
  const listeners = new Set<(entry: DemoOutboxEntry) => void>();

  const keep = (entry: DemoOutboxEntry) => {
    entries.unshift(entry);
    if (entries.length > capacity) entries.length = capacity;
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch {
        // A listener's failure must not turn a delivered message into a failed one.
      }
    }
  };

  return {
    outbox: {
      list: () => entries.map((e) => ({ ...e })),
      onMessage(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      clear: () => {
        entries.length = 0;
      },
    },
    sms: {
      name: 'demo',
      send(message: SmsMessage) {
        keep({
          to: message.to,
          channel: 'sms',
          text: message.text,
          ...(message.code ? { code: message.code } : {}),
          sentAt: now().toISOString(),
        });
        return Promise.resolve({ ok: true });
      },
    },
    email: {
      name: 'demo',
      send(message: EmailMessage) {
        keep({
          to: message.to,
          channel: 'email',
          text: `${message.subject}\n\n${message.text}`,
          ...(message.code ? { code: message.code } : {}),
          sentAt: now().toISOString(),
        });
        return Promise.resolve({ ok: true });
      },
    },
  };
}
