// OpenAPI 3.1 document generated from the operations table (api.md: served at GET /api/openapi.json).
// Paths are written in full (no `servers` prefix) so a reader can copy them.
import { z } from 'zod';
import {
  challengeAcceptedSchema,
  challengeRequestSchema,
  completedSchema,
  demoOutboxSchema,
  enrollmentRequestSchema,
  enrollmentConfirmationRequestSchema,
  enrollmentAcceptedSchema,
  enrollmentConfirmedSchema,
  flowCreatedSchema,
  flowIdSchema,
  flowPublicStateSchema,
  healthzSchema,
  newPasswordRequestSchema,
  operations,
  passwordPolicySchema,
  problemContentType,
  problemSchema,
  problemStatus,
  readyzSchema,
  serviceOperations,
  startFlowRequestSchema,
  verificationRequestSchema,
  verificationResultSchema,
  type OperationDefinition,
  type ProblemCode,
} from './contract.js';

export interface OpenApiInfo {
  title?: string;
  version: string;
  description?: string;
}

type JsonObject = Record<string, unknown>;

/** Component names of the contract's schemas; operations refer to them by `$ref`. */
const namedSchemas: ReadonlyArray<readonly [string, z.ZodType, 'input' | 'output']> = [
  ['StartFlowRequest', startFlowRequestSchema, 'input'],
  ['FlowCreated', flowCreatedSchema, 'output'],
  ['ChallengeRequest', challengeRequestSchema, 'input'],
  ['ChallengeAccepted', challengeAcceptedSchema, 'output'],
  ['VerificationRequest', verificationRequestSchema, 'input'],
  ['VerificationResult', verificationResultSchema, 'output'],
  ['PasswordPolicy', passwordPolicySchema, 'output'],
  ['NewPasswordRequest', newPasswordRequestSchema, 'input'],
  ['EnrollmentRequest', enrollmentRequestSchema, 'input'],
  ['EnrollmentConfirmationRequest', enrollmentConfirmationRequestSchema, 'input'],
  ['EnrollmentAccepted', enrollmentAcceptedSchema, 'output'],
  ['EnrollmentConfirmed', enrollmentConfirmedSchema, 'output'],
  ['Completed', completedSchema, 'output'],
  ['FlowPublicState', flowPublicStateSchema, 'output'],
  ['DemoOutbox', demoOutboxSchema, 'output'],
  ['Healthz', healthzSchema, 'output'],
  ['Readyz', readyzSchema, 'output'],
  ['Problem', problemSchema, 'output'],
];

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  // unrepresentable: 'any' keeps refinements (code-point length) from aborting the conversion; they are
  // documented by the surrounding maxLength and checked by the server anyway.
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  delete json.$schema;
  return json;
}

function refFor(schema: z.ZodType): JsonObject {
  const entry = namedSchemas.find(([, s]) => s === schema);
  if (!entry) throw new Error('Schema without a component name in openapi.ts');
  return { $ref: `#/components/schemas/${entry[0]}` };
}

function problemResponse(code: ProblemCode): JsonObject {
  return {
    description: `\`${code}\``,
    content: { [problemContentType]: { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function operationObject(operationId: string, op: OperationDefinition): JsonObject {
  const responses: Record<string, JsonObject> = {};
  responses[String(op.success.status)] = op.success.schema
    ? { description: 'Success', content: { 'application/json': { schema: refFor(op.success.schema) } } }
    : { description: 'Success (no body)' };
  // Several codes share a status (400: invalid_request, code_invalid, …): one response lists them all.
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of op.problems) {
    const status = problemStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response = problemResponse(codes[0] as ProblemCode);
    response.description = `Problem: ${codes.map((c) => `\`${c}\``).join(', ')}`;
    responses[String(status)] = response;
  }
  const result: JsonObject = { operationId, summary: op.summary, responses };
  const parameters = [...op.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: m[1] === 'flowId' ? toSchema(flowIdSchema, 'input') : { type: 'string' },
  }));
  if (parameters.length > 0) result.parameters = parameters;
  if (op.request) {
    result.requestBody = { required: true, content: { 'application/json': { schema: refFor(op.request) } } };
  }
  result.security = op.auth ? [{ bearerAuth: [] }] : [];
  return result;
}

/** Builds the OpenAPI 3.1 document for every flow and service operation of the contract. */
export function buildOpenApiDocument(info: OpenApiInfo): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const all: Record<string, OperationDefinition> = { ...operations, ...serviceOperations };
  for (const [operationId, op] of Object.entries(all)) {
    const item = (paths[op.path] ??= {});
    item[op.method.toLowerCase()] = operationObject(operationId, op);
  }
  const schemas: Record<string, JsonObject> = {};
  for (const [name, schema, io] of namedSchemas) schemas[name] = toSchema(schema, io);
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'MyPass API',
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The flowToken returned when the flow was started.',
        },
      },
    },
  };
}
