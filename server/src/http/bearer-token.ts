// The flow token travels only in `Authorization: Bearer` (never in a URL, api.md).
import type { FastifyRequest } from 'fastify';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{1,512})$/.exec(header);
  return match?.[1];
}
