import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import forge from 'node-forge';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpEmailSchema } from '../../src/delivery/delivery-config.js';
import type { EmailProvider } from '../../src/delivery/delivery.js';
import { createSmtpEmail } from '../../src/delivery/smtp-email.js';
import { createMessageRenderer, escapeHtml } from '../../src/delivery/message-templates.js';

interface Received {
  mail: ParsedMail;
  envelopeTo: string[];
  user: string | undefined;
  secure: boolean;
}

/** A throwaway self-signed certificate for the STARTTLS test. */
function selfSigned(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

async function startSmtp(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    ...options,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            mail,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            secure: session.secure,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const renderer = createMessageRenderer({ product: 'MyPass', helpdesk: 'the Contoso helpdesk' });
const rendered = renderer.render('code', 'email', 'en', { code: '482913', minutes: '10' });
const message = {
  to: 'anna.berg@contoso.example',
  subject: rendered.subject ?? '',
  text: rendered.text,
  html: rendered.html ?? '',
};

describe('SMTP e-mail', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Last in, first out: close the clients before the servers they are connected to.
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const track = (provider: EmailProvider) => {
    cleanup.push(async () => provider.close?.());
    return provider;
  };

  it('delivers a text and HTML message with the code to a real SMTP server', async () => {
    const smtp = await startSmtp();
    cleanup.push(smtp.close);
    const provider = track(
      createSmtpEmail(
        smtpEmailSchema.parse({
          provider: 'smtp',
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          from: 'MyPass <no-reply@contoso.example>',
        }),
        { timeoutMs: 5000 },
      ),
    );
    const result = await provider.send(message);
    expect(result.ok).toBe(true);
    expect(smtp.received).toHaveLength(1);
    const { mail, envelopeTo } = smtp.received[0] as Received;
    expect(envelopeTo).toEqual(['anna.berg@contoso.example']);
    expect((mail.to as AddressObject).value[0]?.address).toBe('anna.berg@contoso.example');
    expect(mail.from?.value[0]).toEqual({ address: 'no-reply@contoso.example', name: 'MyPass' });
    // What the template says is the locales' business; what arrives must be that, with the code in it.
    expect(mail.subject).toBe(rendered.subject);
    expect(mail.text?.trim()).toBe(rendered.text.trim());
    expect(mail.text).toContain('482913');
    expect(mail.html).toContain('482913');
    expect(mail.html).toContain(`<p>${escapeHtml(rendered.text.split('\n\n')[1] ?? '')}</p>`);
    expect(mail.html).toContain('<html lang="en" dir="ltr">');
  });

  it('upgrades with STARTTLS and authenticates', async () => {
    const tls = selfSigned();
    const smtp = await startSmtp({
      disabledCommands: [],
      ...tls,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        if (auth.username === 'mypass' && auth.password === 'relay-password')
          callback(null, { user: 'mypass' });
        else callback(new Error('Invalid username or password'));
      },
    });
    cleanup.push(smtp.close);
    const config = {
      provider: 'smtp',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      from: 'no-reply@contoso.example',
      // The test's own self-signed certificate: production keeps verification on.
      rejectUnauthorized: false,
    };
    const good = track(
      createSmtpEmail(
        smtpEmailSchema.parse({ ...config, auth: { user: 'mypass', pass: 'relay-password' } }),
        { timeoutMs: 5000 },
      ),
    );
    expect((await good.send(message)).ok).toBe(true);
    expect(smtp.received[0]).toMatchObject({ user: 'mypass', secure: true });

    const bad = track(
      createSmtpEmail(smtpEmailSchema.parse({ ...config, auth: { user: 'mypass', pass: 'wrong' } }), {
        timeoutMs: 5000,
      }),
    );
    expect(await bad.send(message)).toMatchObject({
      ok: false,
      code: 'gateway_configuration',
      transient: false,
      upstreamCode: 'EAUTH',
    });

    const verifying = track(
      createSmtpEmail(
        smtpEmailSchema.parse({
          ...config,
          rejectUnauthorized: true,
          auth: { user: 'mypass', pass: 'relay-password' },
        }),
        { timeoutMs: 5000 },
      ),
    );
    expect((await verifying.send(message)).ok).toBe(false);
    expect(smtp.received).toHaveLength(1);
  });

  it('treats a 4xx answer as transient and a 5xx answer as final', async () => {
    let answer = 451;
    const smtp = await startSmtp({
      onRcptTo(_address, _session, callback) {
        const error = Object.assign(new Error(answer === 451 ? 'Try again later' : 'No such user'), {
          responseCode: answer,
        });
        callback(error);
      },
    });
    cleanup.push(smtp.close);
    const provider = track(
      createSmtpEmail(
        smtpEmailSchema.parse({
          provider: 'smtp',
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          from: 'no-reply@contoso.example',
        }),
        {
          timeoutMs: 5000,
        },
      ),
    );
    expect(await provider.send(message)).toMatchObject({
      ok: false,
      code: 'gateway_unavailable',
      transient: true,
      upstreamCode: 'smtp_451',
    });
    answer = 550;
    expect(await provider.send(message)).toMatchObject({
      ok: false,
      code: 'gateway_rejected',
      transient: false,
      upstreamCode: 'smtp_550',
    });
  });

  it('reports a relay that does not answer as transient', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close();
    const provider = track(
      createSmtpEmail(
        smtpEmailSchema.parse({
          provider: 'smtp',
          host: '127.0.0.1',
          port,
          security: 'none',
          from: 'no-reply@contoso.example',
        }),
        { timeoutMs: 2000 },
      ),
    );
    expect(await provider.send(message)).toMatchObject({
      ok: false,
      code: 'gateway_unavailable',
      transient: true,
    });
  });
});
