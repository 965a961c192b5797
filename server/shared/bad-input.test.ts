/**
 * A table of bad requests against every endpoint that takes a body: each gets a clear 4xx with
 * the usual error body, and afterwards the tenant's data is exactly what it was.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';

interface BadRequest {
  label: string;
  method?: string;
  path?: string;
  /** JSON-serialized with content-type application/json. */
  body?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: string;
  contentType?: string;
  status: number;
  /** The message must match, so the client is told what is wrong. */
  message: RegExp;
}

const json = 'application/json';
const big = 'x'.repeat(70 * 1024);

const ringGroupCases: BadRequest[] = [
  {
    label: 'malformed JSON',
    raw: '{"name": "sales",',
    contentType: json,
    status: 400,
    message: /not valid JSON/,
  },
  { label: 'empty JSON body', raw: '', contentType: json, status: 400, message: /empty/ },
  { label: 'no body at all', status: 400, message: /body must be object/ },
  { label: 'JSON null', raw: 'null', contentType: json, status: 400, message: /must be object/ },
  { label: 'JSON array', body: [{ name: 'sales' }], status: 400, message: /must be object/ },
  { label: 'JSON string', body: 'sales', status: 400, message: /must be object/ },
  {
    label: 'prototype pollution',
    raw: '{"name":"sales","__proto__":{"admin":true}}',
    contentType: json,
    status: 400,
    message: /not valid JSON/,
  },
  {
    label: 'missing name',
    body: { members: [] },
    status: 400,
    message: /missing required property "name"/,
  },
  {
    label: 'extra field',
    body: { name: 'sales', color: 'red' },
    status: 400,
    message: /unknown property "color"/,
  },
  {
    label: 'tenant in body',
    body: { name: 'sales', tenantId: 'x' },
    status: 400,
    message: /unknown property "tenantId"/,
  },
  { label: 'name is a number', body: { name: 5 }, status: 400, message: /name must be string/ },
  {
    label: 'name upper case',
    body: { name: 'Sales' },
    status: 400,
    message: /name must match pattern/,
  },
  {
    label: 'name with space',
    body: { name: 'sales team' },
    status: 400,
    message: /name must match pattern/,
  },
  {
    label: 'name with slash',
    body: { name: '../sales' },
    status: 400,
    message: /name must match pattern/,
  },
  { label: 'name empty', body: { name: '' }, status: 400, message: /name must match pattern/ },
  {
    label: 'name too long',
    body: { name: 'a'.repeat(64) },
    status: 400,
    message: /name must match pattern/,
  },
  {
    label: 'timeout as string',
    body: { name: 'sales', ringTimeoutSeconds: '20' },
    status: 400,
    message: /ringTimeoutSeconds must be integer/,
  },
  {
    label: 'timeout fractional',
    body: { name: 'sales', ringTimeoutSeconds: 1.5 },
    status: 400,
    message: /ringTimeoutSeconds must be integer/,
  },
  {
    label: 'timeout zero',
    body: { name: 'sales', ringTimeoutSeconds: 0 },
    status: 400,
    message: /ringTimeoutSeconds must be >= 1/,
  },
  {
    label: 'max wait too big',
    body: { name: 'sales', maxWaitSeconds: 10_000_000 },
    status: 400,
    message: /maxWaitSeconds must be <= 86400/,
  },
  {
    label: 'retry negative',
    body: { name: 'sales', retryIntervalSeconds: -1 },
    status: 400,
    message: /retryIntervalSeconds must be >= 0/,
  },
  {
    label: 'members not array',
    body: { name: 'sales', members: 'ada' },
    status: 400,
    message: /members must be array/,
  },
  {
    label: 'member not string',
    body: { name: 'sales', members: [1] },
    status: 400,
    message: /members\/0 must be string/,
  },
  {
    label: 'duplicate members',
    body: { name: 'sales', members: ['a', 'a'] },
    status: 400,
    message: /duplicate/,
  },
  {
    label: 'unknown member',
    body: { name: 'sales', members: ['nobody'] },
    status: 400,
    message: /member "nobody" is not a user/,
  },
  {
    label: 'oversized body',
    body: { name: 'sales', padding: big },
    status: 413,
    message: /too large/,
  },
  {
    label: 'form encoded',
    raw: 'name=sales',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    message: /unsupported content type "application\/x-www-form-urlencoded"/,
  },
  {
    label: 'xml',
    raw: '<name>sales</name>',
    contentType: 'application/xml',
    status: 415,
    message: /unsupported content type/,
  },
  {
    label: 'JSON sent as text/plain',
    raw: '{"name":"sales"}',
    contentType: 'text/plain',
    status: 400,
    message: /body must be object/,
  },
  {
    label: 'patch with nothing',
    method: 'PATCH',
    path: '/api/ring-groups/:id',
    body: {},
    status: 400,
    message: /must set at least 1 property/,
  },
  {
    label: 'patch extra field',
    method: 'PATCH',
    path: '/api/ring-groups/:id',
    body: { id: 'other' },
    status: 400,
    message: /unknown property "id"/,
  },
  {
    label: 'patch wrong type',
    method: 'PATCH',
    path: '/api/ring-groups/:id',
    body: { members: null },
    status: 400,
    message: /members must be array/,
  },
  {
    label: 'patch malformed JSON',
    method: 'PATCH',
    path: '/api/ring-groups/:id',
    raw: '{name:',
    contentType: json,
    status: 400,
    message: /not valid JSON/,
  },
  {
    label: 'patch oversized',
    method: 'PATCH',
    path: '/api/ring-groups/:id',
    body: { name: big },
    status: 413,
    message: /too large/,
  },
  {
    label: 'id too long',
    method: 'GET',
    path: `/api/ring-groups/${'a'.repeat(65)}`,
    status: 400,
    message: /params\/id/,
  },
];

const subscriberCases: BadRequest[] = [
  {
    label: 'missing reference',
    body: { first_name: 'Ada' },
    status: 400,
    message: /missing required property "reference"/,
  },
  { label: 'empty reference', body: { reference: '' }, status: 400, message: /reference must/ },
  {
    label: 'reference too long',
    body: { reference: `${'a'.repeat(250)}@x.test` },
    status: 400,
    message: /reference must/,
  },
  {
    label: 'unknown role',
    body: { reference: 'x@x.test', role: 'owner' },
    status: 400,
    message: /role must be one of "agent", "supervisor", "admin"/,
  },
  {
    label: 'short password',
    body: { reference: 'x@x.test', password: 'short' },
    status: 400,
    message: /password must/,
  },
  {
    label: 'tenant in body',
    body: { reference: 'x@x.test', tenant: 'tenant-b' },
    status: 400,
    message: /unknown property "tenant"/,
  },
  {
    label: 'camelCase name',
    body: { reference: 'x@x.test', firstName: 'X' },
    status: 400,
    message: /unknown property "firstName"/,
  },
  {
    label: 'name as number',
    body: { reference: 'x@x.test', first_name: 7 },
    status: 400,
    message: /first_name must be string/,
  },
  {
    label: 'malformed JSON',
    raw: '{"reference":',
    contentType: json,
    status: 400,
    message: /not valid JSON/,
  },
  {
    label: 'oversized',
    body: { reference: 'x@x.test', first_name: big },
    status: 413,
    message: /too large/,
  },
  {
    label: 'form encoded',
    raw: 'reference=x',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    message: /unsupported content type/,
  },
].map((entry) => ({ ...entry, method: 'POST', path: '/api/subscribers/tokens' }));

const loginCases: BadRequest[] = [
  {
    label: 'missing password',
    body: { tenant: 'tenant-a', email: 'x@x.test' },
    status: 400,
    message: /missing required property "password"/,
  },
  {
    label: 'extra field',
    body: { tenant: 'tenant-a', email: 'x@x.test', password: 'p', remember: true },
    status: 400,
    message: /unknown property "remember"/,
  },
  {
    label: 'password as number',
    body: { tenant: 'tenant-a', email: 'x@x.test', password: 1234 },
    status: 400,
    message: /password must be string/,
  },
  {
    label: 'malformed JSON',
    raw: '{"tenant"',
    contentType: json,
    status: 400,
    message: /not valid JSON/,
  },
  {
    label: 'oversized',
    body: { tenant: 'tenant-a', email: 'x@x.test', password: big },
    status: 413,
    message: /too large/,
  },
].map((entry) => ({ ...entry, method: 'POST', path: '/api/auth/login' }));

describe('bad input', () => {
  let server: TestServer;
  let groupId: string;
  const snapshot = async () => ({
    users: (await requestJson(server.url, 'GET', '/api/users', { token: server.apiKey })).body,
    groups: (await requestJson(server.url, 'GET', '/api/ring-groups', { token: server.apiKey }))
      .body,
  });

  before(async () => {
    server = await startTestServer();
    const ada = await server.createAgent('ada@t.test', 'Ada Lovelace');
    groupId = (await server.tenant.createRingGroup('support', [ada.user.id])).id;
  });
  after(() => server.close());

  for (const [area, cases] of [
    ['ring groups', ringGroupCases],
    ['subscriber tokens', subscriberCases],
    ['login', loginCases],
  ] as const) {
    test(`${area}: each bad request gets a clear 4xx and changes nothing`, async () => {
      const before = await snapshot();
      for (const entry of cases) {
        const headers: Record<string, string> = {};
        if (entry.contentType) headers['content-type'] = entry.contentType;
        const path = (entry.path ?? '/api/ring-groups').replace(':id', groupId);
        const response = await requestJson(server.url, entry.method ?? 'POST', path, {
          token: path.startsWith('/api/auth') ? undefined : server.apiKey,
          body: entry.body,
          rawBody: entry.raw,
          headers,
        });
        assert.equal(
          response.status,
          entry.status,
          `${entry.label}: ${JSON.stringify(response.body)}`,
        );
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, entry.label);
        assert.equal(response.body.statusCode, entry.status, entry.label);
        assert.equal(typeof response.body.error, 'string', entry.label);
        assert.match(
          response.body.message,
          entry.message,
          `${entry.label}: ${response.body.message}`,
        );
      }
      assert.deepEqual(await snapshot(), before);
    });
  }

  test('unknown API routes get a JSON 404', async () => {
    const response = await requestJson(server.url, 'GET', '/api/nothing-here', {
      token: server.apiKey,
    });
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, {
      error: 'not-found',
      message: 'no route GET /api/nothing-here',
      statusCode: 404,
    });
  });
});
