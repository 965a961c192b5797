import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';

describe('API docs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('OpenAPI JSON lists every route with its schemas', async () => {
    const response = await requestJson(server.url, 'GET', '/api/docs/json');
    assert.equal(response.status, 200);
    const spec = response.body;
    assert.match(spec.openapi, /^3\./);
    const expected: Record<string, string[]> = {
      '/api/auth/login': ['post'],
      '/api/auth/refresh': ['post'],
      '/api/auth/me': ['get'],
      '/api/subscribers/tokens': ['post'],
      '/api/users': ['get'],
      '/api/ring-groups': ['get', 'post'],
      '/api/ring-groups/{id}': ['delete', 'get', 'patch'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(spec.paths[path], `missing ${path}`);
      for (const method of methods)
        assert.ok(spec.paths[path][method], `missing ${method} ${path}`);
    }
    const create = spec.paths['/api/ring-groups'].post;
    const body = create.requestBody.content['application/json'].schema;
    assert.equal(body.additionalProperties, false);
    assert.deepEqual(body.required, ['name']);
    assert.ok(create.responses['201'].content['application/json'].schema.properties.address);
    assert.ok(create.responses['409'], 'error responses are documented');
    assert.deepEqual(
      spec.paths['/api/ring-groups/{id}'].get.parameters.map((p: { name: string }) => p.name),
      ['id'],
    );
    assert.equal(spec.components.securitySchemes.bearer.scheme, 'bearer');
    assert.ok(
      !Object.keys(spec.paths).some((path) => !path.startsWith('/api/')),
      'only API routes are documented',
    );
  });

  test('the browsable docs are served at /api/docs', async () => {
    const response = await fetch(`${server.url}/api/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  });
});
