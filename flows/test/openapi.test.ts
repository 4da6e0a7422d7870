import { describe, expect, it } from 'vitest';
import { operations, problemStatus, serviceOperations } from '../src/contract.js';
import { buildOpenApiDocument } from '../src/openapi.js';

type Obj = Record<string, unknown>;
const doc = buildOpenApiDocument({ version: '1.0.0' }) as {
  openapi: string;
  info: Obj;
  paths: Record<string, Record<string, Obj>>;
  components: { schemas: Record<string, Obj>; securitySchemes: Obj };
  servers?: unknown;
};

function resolveRefs(value: unknown, found: string[]): void {
  if (Array.isArray(value)) value.forEach((v) => resolveRefs(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else resolveRefs(v, found);
    }
  }
}

describe('buildOpenApiDocument', () => {
  it('is OpenAPI 3.1 with full paths and no servers prefix', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('1.0.0');
    expect(doc.servers).toBeUndefined();
    expect(Object.keys(doc.paths)).toContain('/api/v1/flows/{flowId}/challenges');
    for (const path of Object.keys(doc.paths)) expect(path.startsWith('/')).toBe(true);
  });

  it('has every operation under its method and path', () => {
    for (const [id, op] of Object.entries({ ...operations, ...serviceOperations })) {
      const o = doc.paths[op.path]?.[op.method.toLowerCase()];
      expect(o, id).toBeDefined();
      expect(o?.operationId).toBe(id);
      const responses = o?.responses as Record<string, Obj>;
      expect(Object.keys(responses)).toContain(String(op.success.status));
      for (const code of op.problems) {
        const r = responses[String(problemStatus[code])];
        expect(r, `${id} ${code}`).toBeDefined();
        expect(Object.keys(r?.content as Obj)).toEqual(['application/problem+json']);
        expect(String(r?.description)).toContain(code);
      }
      expect(o?.security).toEqual(op.auth ? [{ bearerAuth: [] }] : []);
      if (op.path.includes('{flowId}')) {
        expect(o?.parameters).toEqual([
          expect.objectContaining({ name: 'flowId', in: 'path', required: true }),
        ]);
      }
      expect(Boolean(o?.requestBody)).toBe(op.request !== null);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('converts every schema and every $ref resolves', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(schema.type, name).toBe(name === 'VerificationRequest' ? undefined : 'object');
    }
    expect(doc.components.schemas.StartFlowRequest).toMatchObject({
      additionalProperties: false,
      required: ['purpose', 'username'],
    });
    expect(doc.components.schemas.VerificationRequest?.anyOf).toHaveLength(2);
    const refs: string[] = [];
    resolveRefs(doc, refs);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
  });

  it('serializes to JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
