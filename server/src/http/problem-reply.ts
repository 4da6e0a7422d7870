// RFC 9457 problem answers with the contract's stable codes; `Retry-After` mirrors `retryAfter`.
import {
  makeProblem,
  problemContentType,
  type ProblemCode,
  type ProblemExtras,
} from '@mypass/flows/contract';
import type { FastifyReply } from 'fastify';

export function sendProblem(
  reply: FastifyReply,
  code: ProblemCode,
  extras: ProblemExtras = {},
): FastifyReply {
  const problem = makeProblem(code, extras);
  if (extras.retryAfter !== undefined) void reply.header('retry-after', String(extras.retryAfter));
  return reply.code(problem.status).type(problemContentType).send(problem);
}
