// Small helpers that speak the API the way a kiosk does (app.inject).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { captured } from './captured-output.js';

export interface Started {
  status: number;
  flowId: string;
  flowToken: string;
  body: { methods: { id: string; kind: string; hint: string }[] } & Record<string, unknown>;
}

export const json = (res: LightMyRequestResponse): Record<string, unknown> =>
  res.json() as Record<string, unknown>;

export async function start(
  app: FastifyInstance,
  username: string,
  remoteAddress = '192.0.2.10',
): Promise<Started> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    payload: { purpose: 'reset', username },
    remoteAddress,
  });
  const body = res.json() as Started['body'] & { flowId: string; flowToken: string };
  if (typeof body.flowToken === 'string') captured.secrets.add(body.flowToken);
  return { status: res.statusCode, flowId: body.flowId, flowToken: body.flowToken, body };
}

export function call(
  app: FastifyInstance,
  flow: { flowId: string; flowToken: string },
  method: 'GET' | 'POST' | 'DELETE',
  suffix: string,
  payload?: unknown,
  remoteAddress = '192.0.2.10',
) {
  return app.inject({
    method,
    url: `/api/v1/flows/${flow.flowId}${suffix}`,
    headers: { authorization: `Bearer ${flow.flowToken}` },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    remoteAddress,
  });
}

export const challenge = (app: FastifyInstance, flow: Started, method: string, confirm: string) =>
  call(app, flow, 'POST', '/challenges', { method, confirm });

export const verify = (app: FastifyInstance, flow: Started, challengeId: string, code: string) => {
  captured.secrets.add(code);
  return call(app, flow, 'POST', '/verifications', { challengeId, code });
};

export const setPassword = (app: FastifyInstance, flow: Started, newPassword: string) => {
  captured.secrets.add(newPassword);
  return call(app, flow, 'POST', '/password', { newPassword });
};

/**
 * Starts a flow from the default (loopback) address, expects 201, and returns the body with a `call`
 * that carries the flow's token.
 */
export async function startFlow(app: FastifyInstance, purpose: 'reset' | 'enroll', username: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/flows', payload: { purpose, username } });
  expect(res.statusCode).toBe(201);
  const body = res.json() as {
    flowId: string;
    flowToken: string;
    methods: { id: string; kind: string; hint?: string }[];
  };
  captured.secrets.add(body.flowToken);
  const call = (method: 'GET' | 'POST', suffix: string, payload?: Record<string, unknown>) =>
    app.inject({
      method,
      url: `/api/v1/flows/${body.flowId}${suffix}`,
      headers: { authorization: `Bearer ${body.flowToken}` },
      ...(payload ? { payload } : {}),
    });
  return { ...body, call };
}
export type StartedFlow = Awaited<ReturnType<typeof startFlow>>;
