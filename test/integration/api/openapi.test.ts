import { expect } from 'chai';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import type express from 'express';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { createApiV1Router } from '../../../server/routes/api/v1';
import { HTTP_METHODS, operationsOf } from '../../../server/api-docs/operations';
import type { Auth } from '../../../server/auth';

/** The parts of the OpenAPI 3.1 structure we rely on, as a JSON Schema (2020-12). */
const openApiShape = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string' }, version: { type: 'string' } } },
    servers: { type: 'array', items: { type: 'object', required: ['url'] } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: ['parameters', 'summary', 'description', ...HTTP_METHODS] },
        properties: { parameters: { $ref: '#/$defs/parameters' } },
        additionalProperties: {
          type: 'object',
          required: ['responses', 'operationId', 'summary'],
          properties: {
            parameters: { $ref: '#/$defs/parameters' },
            responses: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[1-5][0-9]{2}$' }, additionalProperties: { type: 'object', required: ['description'] } },
            requestBody: { type: 'object', required: ['content'] },
          },
        },
      },
    },
    components: { type: 'object', properties: { schemas: { type: 'object' }, securitySchemes: { type: 'object' } } },
    webhooks: { type: 'object' },
  },
  $defs: {
    parameters: {
      type: 'array',
      items: { type: 'object', required: ['name', 'in', 'schema'], properties: { in: { enum: ['query', 'header', 'path', 'cookie'] } } },
    },
  },
};

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/** Every route the /api/v1 router really has, as "METHOD /path" with {id} for :id. */
function mountedRoutes(router: express.Router): string[] {
  const found: string[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: unknown[] }).stack);
  return found;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let document: Record<string, unknown>;
  before(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
    document = (await request(server.url).get('/api/v1/openapi.json').expect(200)).body;
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  it('is served without a key and has the OpenAPI 3.1 structure', () => {
    const ajv = new Ajv2020({ strict: false });
    const valid = ajv.validate(openApiShape, document);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors)).to.deep.equal([]);
    expect(valid).to.equal(true);
  });

  it('has component schemas that compile as JSON Schema 2020-12, and every $ref resolves', () => {
    const ajv = new Ajv2020({ strict: false });
    const schemas = (document.components as { schemas: Record<string, object> }).schemas;
    ajv.addSchema({ $id: 'doc', components: { schemas } });
    for (const name of Object.keys(schemas)) expect(() => ajv.getSchema(`doc#/components/schemas/${name}`), name).not.to.throw();
    for (const ref of refsIn(document)) {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target, ref).to.be.an('object');
    }
  });

  it('lists every /api/v1 route, and every route it lists exists', async () => {
    const documented = operationsOf(document).map((op) => `${op.method} ${op.path}`).sort();
    const mounted = mountedRoutes(createApiV1Router(t.deps, (t.app.locals.auth as Auth).limits)).filter((r) => r !== 'GET /openapi.json').sort();
    expect(documented).to.deep.equal(mounted);
    const { auth } = await userWithKey(t.deps, 'write');
    for (const op of operationsOf(document)) {
      const url = `/api/v1${op.path.replace('{id}', 'unknown-id')}`;
      const res = await request(server.url)[op.method.toLowerCase() as 'get'](url).set('Authorization', auth).send({});
      expect(res.body?.error?.message ?? '', `${op.method} ${op.path}`).not.to.equal('No such endpoint.');
      expect(String(res.status), `${op.method} ${op.path} answers a documented status`).to.be.oneOf(op.responses.map((r) => r.status));
    }
  });

  it('is rendered as a readable page at /docs/api', async () => {
    const res = await request(server.url).get('/docs/api').expect(200);
    for (const op of operationsOf(document)) expect(res.text).to.include(`${op.method} ${op.path}`);
    expect(res.text).to.include('webhook-signature');
    expect(res.text).not.to.match(/<script>|style=/);
  });
});
