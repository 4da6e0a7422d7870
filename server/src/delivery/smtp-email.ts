// E-mail over SMTP with nodemailer: implicit TLS, required STARTTLS, or plain (loopback relays
// only), optional AUTH. SMTP reply codes decide retry: 4xx and connection failures are transient,
// 5xx final, authentication failures a configuration error.
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { z } from 'zod';
import type { EmailMessage, EmailProvider, SendResult } from './delivery.js';
import type { smtpEmailSchema } from './delivery-config.js';

export type SmtpEmailConfig = z.infer<typeof smtpEmailSchema>;

interface SmtpError {
  code?: string;
  responseCode?: number;
}

function classify(error: unknown): Extract<SendResult, { ok: false }> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'ETLS') {
    return { ok: false, code: 'gateway_configuration', transient: false, upstreamCode: e.code };
  }
  if (e.code === 'EENVELOPE' && e.responseCode === undefined) {
    return { ok: false, code: 'gateway_rejected', transient: false, upstreamCode: e.code };
  }
  if (typeof e.responseCode === 'number') {
    const upstreamCode = `smtp_${e.responseCode}`;
    if (e.responseCode >= 400 && e.responseCode < 500)
      return { ok: false, code: 'gateway_unavailable', transient: true, upstreamCode };
    return { ok: false, code: 'gateway_rejected', transient: false, upstreamCode };
  }
  return {
    ok: false,
    code: 'gateway_unavailable',
    transient: true,
    upstreamCode: (e.code ?? 'smtp_error').slice(0, 64),
  };
}

export function createSmtpEmail(config: SmtpEmailConfig, deps: { timeoutMs: number }): EmailProvider {
  const options: SMTPPool.Options = {
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
    tls: { rejectUnauthorized: config.rejectUnauthorized },
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
    // A pool keeps one authenticated connection warm instead of a handshake per code.
    pool: true,
    maxConnections: 2,
    // Never let nodemailer log message content.
    logger: false,
    debug: false,
  };
  // nodemailer is loaded with the first message: an API that sends no e-mail never holds it in memory.
  let transport: Promise<Transporter<SMTPPool.SentMessageInfo>> | undefined;
  const connect = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(options),
    ));
  return {
    name: 'smtp',
    async send(message: EmailMessage) {
      try {
        const info = await (
          await connect()
        ).sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
        if (info.rejected.length > 0)
          return { ok: false, code: 'gateway_rejected', transient: false, upstreamCode: 'smtp_rejected' };
        return { ok: true, providerMessageId: info.messageId };
      } catch (error) {
        return classify(error);
      }
    },
    async close() {
      // A transport that never loaded has nothing to close.
      (await transport?.catch(() => undefined))?.close();
    },
  };
}
