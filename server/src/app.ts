// Builds the MyPass API from injected dependencies (fastify/demo style: plugins, then routes), so
// tests, the CLI and the demo wire it differently without flags inside the code.
import { operations, serviceOperations, type ProblemCode } from '@mypass/flows/contract';
import { buildOpenApiDocument } from '@mypass/flows/openapi';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAuditLog } from './audit/audit-log.js';
import type { MyPassConfig } from './config/schema.js';
import type { Delivery } from './delivery/delivery.js';
import type { Directory } from './directory/directory.js';
import { createFlowsService, smsBudgetKey } from './flows-service/flows-service.js';
import type { RandomSource } from './flows-service/ports.js';
import { registerFlowRoutes } from './http/flow-routes.js';
import { sendProblem } from './http/problem-reply.js';
import { addSecurityHeaders, applySecurityHeaders } from './http/security-headers.js';
import { addressMatcher } from './http/address-list.js';
import { createMetrics } from './metrics.js';
import type { AuditSink } from './audit/audit-log.js';
import type { Clock, Store } from './store/store.js';

/** The sections the app reads (the directory section is the connector's, used by main.ts). */
export type AppConfig = Pick<MyPassConfig, 'demo' | 'server' | 'flows' | 'limits' | 'access'>;

export interface AppDeps {
  config: AppConfig;
  directory: Directory;
  delivery: Delivery;
  store: Store;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** Serve HTTPS directly (otherwise behind a TLS-terminating proxy listed in trustedProxies). */
  https?: { key: Buffer; cert: Buffer };
  /** Forwards each audit record as it is written (the syslog sink); the store keeps it either way. */
  auditSink?: AuditSink;
  /** The last seat count (license monitor), for the metrics. */
  licenseSeats?: () => { used: number; total: number | null } | null;
}

export const bodyLimitBytes = 16 * 1024;

/** Fastify's own error codes that are the client's fault, mapped to the contract's problem codes. */
const clientErrorCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

/** Every route template with its methods, to tell 405 from 404. */
function routeTable(demo: boolean): { pattern: RegExp; methods: string[] }[] {
  const byPath = new Map<string, string[]>();
  const service = Object.values(serviceOperations).filter(
    (op) => demo || op !== serviceOperations.demoOutbox,
  );
  for (const op of [...Object.values(operations), ...service]) {
    byPath.set(op.path, [...(byPath.get(op.path) ?? []), op.method]);
  }
  byPath.set('/metrics', ['GET']);
  byPath.set('/api/openapi.json', ['GET']);
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/\{[A-Za-z]+\}/g, '[^/]+')}$`),
    methods,
  }));
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store, directory, delivery, logger } = deps;
  if (!config.demo && delivery.demoOutbox) {
    throw new Error('The demo delivery provider needs demo: true (configuration).');
  }
  // Request logs name the path only: a client that wrongly puts a token in a query string must not
  // get it written to the log (T8).
  const requestLogger = logger.child(
    {},
    {
      serializers: {
        req: (request: { method?: string; url?: string; ip?: string }) => ({
          method: request.method,
          path: (request.url ?? '').split('?')[0]?.slice(0, 256),
          remoteAddress: request.ip,
        }),
      },
    },
  );
  const app = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    loggerInstance: requestLogger as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    // X-Forwarded-For is believed only from configured proxies (CIDRs); everyone else is the peer.
    trustProxy: config.server.trustedProxies.length > 0 ? config.server.trustedProxies : false,
    // Long ids must reach the flow handler (flow_not_found), not the router's generic 404.
    routerOptions: { maxParamLength: 1024 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // A URL the router cannot decode (`%zz`) is the client's fault, answered as a problem like any other.
    frameworkErrors: (_error, _request, reply) => sendProblem(applySecurityHeaders(reply), 'invalid_request'),
  });

  // JSON only (api.md): Fastify's built-in text/plain parser would let other bodies reach validation.
  app.removeContentTypeParser('text/plain');

  const metrics = createMetrics({
    store,
    smsBudget: {
      key: smsBudgetKey,
      windowSeconds: config.limits.smsGlobal.windowSeconds,
      max: config.limits.smsGlobal.max,
    },
    defaultMetrics: true,
    ...(deps.licenseSeats ? { licenseSeats: deps.licenseSeats } : {}),
  });
  addSecurityHeaders(app);
  metrics.instrument(app);

  const routes = routeTable(config.demo && delivery.demoOutbox !== undefined);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const route = routes.find((r) => r.pattern.test(path));
    if (route) {
      void reply.header('allow', route.methods.join(', '));
      return sendProblem(reply, 'method_not_allowed');
    }
    return sendProblem(reply, 'not_found');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = error.code ? clientErrorCodes[error.code] : undefined;
    if (mapped) return sendProblem(reply, mapped);
    const status = error.statusCode ?? 500;
    if (status === 404) return sendProblem(reply, 'not_found');
    if (status === 405) return sendProblem(reply, 'method_not_allowed');
    if (status >= 400 && status < 500) return sendProblem(reply, 'invalid_request');
    // Anything else failed on our side (most often the store: a pool timeout, a lost connection under
    // load). The flow is unchanged, so the honest answer is "try again shortly", never a 500; the
    // details stay in the log (error objects never carry secrets we put there), never in the answer.
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 'service_unavailable', { retryAfter: 2 });
  });

  const forwarded = deps.auditSink;
  const audit = createAuditLog({
    audit: store.audit,
    logger,
    sink: {
      send(entry) {
        metrics.auditEvents.send(entry);
        forwarded?.send(entry);
      },
    },
  });
  const service = createFlowsService({
    config: { flows: config.flows, limits: config.limits, policies: config.access },
    directory,
    store,
    delivery,
    clock: deps.clock,
    random: deps.random,
    audit,
    logger,
  });

  registerFlowRoutes(app, { service, timingFloorMs: config.flows.timingFloorMs });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const [storeOk, directoryOk] = await Promise.all([
      store.ping().catch(() => false),
      directory.isReady().catch(() => false),
    ]);
    const ready = storeOk && directoryOk;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      checks: { store: storeOk ? 'ok' : 'failed', directory: directoryOk ? 'ok' : 'failed' },
    });
  });
  const metricsAllowed = addressMatcher(config.server.metricsAllowFrom);
  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(request.ip)) return sendProblem(reply, 'not_found');
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const openApi = buildOpenApiDocument({ title: 'MyPass API', version: '1.0.0' });
  app.get('/api/openapi.json', async () => openApi);

  const demoOutbox = delivery.demoOutbox;
  if (config.demo && demoOutbox) {
    app.get('/api/demo/outbox', async () => ({ messages: demoOutbox.list() }));
  }
  return app;
}
