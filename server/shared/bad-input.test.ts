/**
 * Bad requests against the tenant and sign-in endpoints (ring groups have their own table):
 * each gets a clear 4xx with the usual error body, and the tenant's data stays as it was.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import {
  OVERSIZED,
  expectRefused,
  malformedBodies,
  type BadRequest,
} from '../test/bad-requests.ts';

const mint = (label: string, body: unknown, message: RegExp, status = 400): BadRequest => ({
  label,
  method: 'POST',
  path: '/api/subscribers/tokens',
  body,
  status,
  message,
});

const subscriberCases: BadRequest[] = [
  ...malformedBodies('POST', '/api/subscribers/tokens', { reference: 'x@x.test' }),
  mint('missing reference', { first_name: 'Ada' }, /missing required property "reference"/),
  mint('empty reference', { reference: '' }, /reference must/),
  mint('reference too long', { reference: `${'a'.repeat(250)}@x.test` }, /reference must/),
  mint(
    'unknown role',
    { reference: 'x@x.test', role: 'owner' },
    /role must be one of "agent", "supervisor", "admin"/,
  ),
  mint('short password', { reference: 'x@x.test', password: 'short' }, /password must/),
  mint(
    'tenant in body',
    { reference: 'x@x.test', tenant: 'tenant-b' },
    /unknown property "tenant"/,
  ),
  mint('camelCase name', { reference: 'x@x.test', firstName: 'X' }, /unknown property "firstName"/),
  mint('name as number', { reference: 'x@x.test', first_name: 7 }, /first_name must be string/),
  mint('oversized name', { reference: 'x@x.test', first_name: OVERSIZED }, /too large/, 413),
];

const login = (label: string, body: unknown, message: RegExp, status = 400): BadRequest => ({
  label,
  method: 'POST',
  path: '/api/auth/login',
  body,
  status,
  message,
});

const valid = { tenant: 'tenant-a', email: 'x@x.test', password: 'p' };
const loginCases: BadRequest[] = [
  ...malformedBodies('POST', '/api/auth/login', valid),
  login(
    'missing password',
    { tenant: 'tenant-a', email: 'x@x.test' },
    /missing required property "password"/,
  ),
  login('password as number', { ...valid, password: 1234 }, /password must be string/),
  login('empty tenant', { ...valid, tenant: '' }, /tenant must/),
];

describe('bad input', () => {
  let server: TestServer;
  const snapshot = async () => ({
    users: (await requestJson(server.url, 'GET', '/api/users', { token: server.apiKey })).body,
    groups: (await requestJson(server.url, 'GET', '/api/ring-groups', { token: server.apiKey }))
      .body,
  });

  before(async () => {
    server = await startTestServer();
    const ada = await server.createAgent('ada@t.test', 'Ada Lovelace');
    await server.tenant.createRingGroup('support', [ada.user.id]);
  });
  after(() => server.close());

  test('subscriber tokens: each bad request gets a clear 4xx and changes nothing', async () => {
    await expectRefused(server, subscriberCases, { token: server.apiKey, snapshot });
  });

  test('login: each bad request gets a clear 4xx and changes nothing', async () => {
    await expectRefused(server, loginCases, { snapshot });
  });

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
