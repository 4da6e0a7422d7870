// The flow endpoints, registered from the contract's operations table (flows/): one table gives the
// method, the full path, whether a token is needed and the request schema, so routes and OpenAPI
// cannot drift. Bodies are validated strictly here; the flows service sees typed input only.
import {
  operations,
  toRouterPath,
  type EnrollmentConfirmationRequest,
  type EnrollmentRequest,
  type OperationName,
} from '@mypass/flows/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FlowsConfig } from '../flows-service/flows-config.js';
import type { FlowsService, RequestContext, ServiceResult } from '../flows-service/flows-service.js';
import { clientChannel } from '../policy/client-channel.js';
import { bearerToken } from './bearer-token.js';
import { sendProblem } from './problem-reply.js';
import { withTimingFloor } from './timing-floor.js';

interface FlowRouteDeps {
  service: FlowsService;
  timingFloorMs: FlowsConfig['timingFloorMs'];
}

type Handler = (args: {
  flowId: string;
  token: string | undefined;
  body: unknown;
  ctx: RequestContext;
}) => Promise<ServiceResult<unknown>>;

export function registerFlowRoutes(app: FastifyInstance, deps: FlowRouteDeps): void {
  const { service } = deps;
  const handlers: Record<OperationName, { handler: Handler; floorMs?: number }> = {
    startFlow: {
      floorMs: deps.timingFloorMs.start,
      handler: async ({ body, ctx }) => {
        const input = body as { purpose: 'reset' | 'enroll'; username: string; locale?: string };
        return service.start(input, ctx);
      },
    },
    getFlow: { handler: ({ flowId, token }) => service.get(flowId, token) },
    cancelFlow: { handler: ({ flowId, token, ctx }) => service.cancel(flowId, token, ctx) },
    createChallenge: {
      floorMs: deps.timingFloorMs.challenge,
      handler: ({ flowId, token, body, ctx }) =>
        service.challenge(flowId, token, body as { method: string; confirm: string }, ctx),
    },
    verify: {
      floorMs: deps.timingFloorMs.verification,
      handler: ({ flowId, token, body, ctx }) =>
        service.verify(flowId, token, body as { challengeId: string; code: string }, ctx),
    },
    getPasswordPolicy: { handler: ({ flowId, token }) => service.passwordPolicy(flowId, token) },
    setPassword: {
      handler: ({ flowId, token, body, ctx }) =>
        service.setPassword(flowId, token, body as { newPassword: string }, ctx),
    },
    enroll: {
      floorMs: deps.timingFloorMs.challenge,
      handler: ({ flowId, token, body, ctx }) =>
        service.enroll(flowId, token, body as EnrollmentRequest, ctx),
    },
    confirmEnrollment: {
      floorMs: deps.timingFloorMs.verification,
      handler: ({ flowId, token, body, ctx }) =>
        service.confirmEnrollment(flowId, token, body as EnrollmentConfirmationRequest, ctx),
    },
  };

  for (const name of Object.keys(operations) as OperationName[]) {
    const operation = operations[name];
    const { handler, floorMs } = handlers[name];
    app.route({
      method: operation.method,
      url: toRouterPath(operation.path),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        // The answer is decided first and sent only after the floor, so no path answers sooner.
        const decide = async (): Promise<ServiceResult<unknown>> => {
          let body: unknown = undefined;
          if (operation.request) {
            const parsed = operation.request.safeParse(request.body);
            if (!parsed.success) return { ok: false, problem: { code: 'invalid_request' } };
            body = parsed.data;
          }
          const params = request.params as { flowId?: string };
          return handler({
            flowId: params.flowId ?? '',
            token: bearerToken(request),
            body,
            ctx: { clientAddress: request.ip, client: clientChannel(request.headers) },
          });
        };
        const result = floorMs ? await withTimingFloor(floorMs, decide) : await decide();
        if (!result.ok) {
          const { code, ...extras } = result.problem;
          return sendProblem(reply, code, extras);
        }
        if (operation.success.schema === null) return reply.code(operation.success.status).send();
        return reply.code(operation.success.status).send(result.value);
      },
    });
  }
}
