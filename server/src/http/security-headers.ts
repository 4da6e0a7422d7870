// Headers on EVERY answer, errors and 404s included: HSTS, no framing (CVE-2023-35719-style UI
// embedding), no sniffing, no referrer, and no caching of anything the API says.
import type { FastifyInstance, FastifyReply } from 'fastify';

export const securityHeaders: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

export function applySecurityHeaders(reply: FastifyReply): FastifyReply {
  for (const [name, value] of Object.entries(securityHeaders)) void reply.header(name, value);
  return reply;
}

export function addSecurityHeaders(app: FastifyInstance): void {
  // onSend runs for every reply that goes out, including the error and not-found handlers' answers;
  // the router's own errors (frameworkErrors) bypass hooks and call applySecurityHeaders themselves.
  app.addHook('onSend', async (_request, reply, payload) => {
    applySecurityHeaders(reply);
    return payload;
  });
}
