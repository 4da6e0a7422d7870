import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/delivery/create-delivery.js';
import { deliveryConfigSchema } from '../../src/delivery/delivery-config.js';
import type { Delivery } from '../../src/delivery/delivery.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testClock, testKeys } from '../store/store-harness.js';
import { startFakeGateway, type FakeGateway } from './gateway-servers.js';

// The configuration, not test overrides, chooses and wires the providers.
describe('createDelivery from configuration', () => {
  const clock = testClock();
  const received: ParsedMail[] = [];
  let smtp: SMTPServer;
  let smtpPort: number;
  let twilio: FakeGateway;
  let store: Store;
  let delivery: Delivery;

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    twilio = await startFakeGateway(() => ({ status: 201, body: JSON.stringify({ sid: 'SM1' }) }));
    store = await openStore('sqlite::memory:', { keys: testKeys, clock });
    await store.migrate();
    const config = deliveryConfigSchema.parse({
      sms: {
        provider: 'twilio',
        accountSid: 'AC0123456789abcdef0123456789abcdef',
        authToken: 'token',
        from: '+4570000000',
        baseUrl: twilio.url,
      },
      email: {
        provider: 'smtp',
        host: '127.0.0.1',
        port: smtpPort,
        security: 'none',
        from: 'no-reply@contoso.example',
      },
      productName: 'Contoso Reset',
    });
    delivery = createDelivery(config, { store, logger: pino({ enabled: false }), clock });
  });

  afterAll(async () => {
    await delivery.close();
    await store.close();
    await twilio.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends SMS through Twilio and e-mail through SMTP, with the configured product name', async () => {
    const expiresAt = new Date(clock.now().getTime() + 600_000);
    const sms = await delivery.queueCode(store.outbox, {
      challengeId: 'c1',
      flowId: 'f1',
      channel: 'sms',
      destination: '+4520123456',
      code: '101010',
      locale: 'en',
      expiresAt,
    });
    const email = await delivery.queueCode(store.outbox, {
      challengeId: 'c2',
      flowId: 'f1',
      channel: 'email',
      destination: 'anna@contoso.example',
      code: '202020',
      locale: 'en',
      expiresAt,
    });
    expect(sms.ok && email.ok).toBe(true);
    expect(delivery.demoOutbox).toBeUndefined();
    expect(await delivery.worker.drainOnce()).toMatchObject({ claimed: 2, sent: 2 });

    const form = new URLSearchParams(twilio.requests[0]?.body);
    expect(form.get('To')).toBe('+4520123456');
    expect(form.get('Body')).toContain('101010');
    expect(form.get('Body')).toContain('Contoso Reset');
    expect(received).toHaveLength(1);
    expect(received[0]?.text).toContain('202020');
    expect(received[0]?.subject).toContain('Contoso Reset');
    expect((await store.outbox.list({ status: 'sent' })).map((m) => m.payload)).toEqual([null, null]);
  });
});
