// What the machine-against-real-server tests share: the flows' API client transport over the real app,
// in-process (app.inject), and the API answer a path step expects.
import { fillPath, operations, type ApiResult, type Transport } from '@mypass/flows';
import type { FlowModelEvent } from '@mypass/flows/machines/flow-paths';
import type { FastifyInstance } from 'fastify';

export function injectTransport(app: FastifyInstance): Transport {
  return {
    async request(op, params) {
      const definition = operations[op];
      const response = await app.inject({
        method: definition.method,
        url: fillPath(definition.path, params.flowId === undefined ? {} : { flowId: params.flowId }),
        headers: params.flowToken === undefined ? {} : { authorization: `Bearer ${params.flowToken}` },
        ...(params.body === undefined ? {} : { payload: params.body as object }),
      });
      return {
        status: response.statusCode,
        body: response.body ? (JSON.parse(response.body) as unknown) : undefined,
      };
    },
  };
}

/** The API answer a model event carries (the output of a done.actor event), if any. */
export function outcomeOf(event: FlowModelEvent | undefined): ApiResult<unknown> | undefined {
  return event && 'output' in event ? (event.output as ApiResult<unknown>) : undefined;
}
