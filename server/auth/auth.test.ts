import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';

const PASSWORD = 'correct horse';

describe('auth routes', () => {
  let server: TestServer;
  let ada: TestUser;
  const login = (body: unknown) => requestJson(server.url, 'POST', '/api/auth/login', { body });

  before(async () => {
    server = await startTestServer();
    ada = await server.createUser('ada@t.test', { name: 'Ada Lovelace', password: PASSWORD });
    await server.createAgent('nopassword@t.test');
  });
  after(() => server.close());

  test('login with tenant, email and password returns a token and the user', async () => {
    const response = await login({
      tenant: server.tenant.name,
      email: 'ada@t.test',
      password: PASSWORD,
    });
    assert.equal(response.status, 200);
    assert.equal(typeof response.body.token, 'string');
    assert.ok(response.body.expiresAt > Date.now());
    assert.deepEqual(response.body.user, {
      id: ada.user.id,
      reference: 'ada@t.test',
      name: 'Ada Lovelace',
      role: 'agent',
      address: '/private/ada',
    });
    const me = await requestJson(server.url, 'GET', '/api/auth/me', { token: response.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, ada.user.id);
  });

  test('every wrong credential gets the same 401 "invalid credentials"', async () => {
    const cases = [
      { tenant: server.tenant.name, email: 'ada@t.test', password: 'wrong password' },
      { tenant: 'no-such-tenant', email: 'ada@t.test', password: PASSWORD },
      { tenant: server.tenant.name, email: 'nobody@t.test', password: PASSWORD },
      { tenant: server.otherTenant.name, email: 'ada@t.test', password: PASSWORD },
      { tenant: server.tenant.name, email: 'nopassword@t.test', password: PASSWORD },
      { tenant: server.tenant.name, email: 'ADA@t.test', password: PASSWORD },
    ];
    for (const body of cases) {
      const response = await login(body);
      assert.equal(response.status, 401, JSON.stringify(body));
      assert.deepEqual(response.body, {
        error: 'unauthorized',
        message: 'invalid credentials',
        statusCode: 401,
      });
    }
  });

  test('refresh exchanges a valid token for a fresh one with current user data', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new iat makes a different token
    const response = await requestJson(server.url, 'POST', '/api/auth/refresh', {
      token: ada.token,
    });
    assert.equal(response.status, 200);
    assert.notEqual(response.body.token, ada.token);
    assert.ok(response.body.expiresAt > ada.expiresAt);
    assert.equal(response.body.user.id, ada.user.id);
  });

  test('me returns the user and their tenant', async () => {
    const response = await requestJson(server.url, 'GET', '/api/auth/me', { token: ada.token });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.tenant, { id: server.tenant.id, name: server.tenant.name });
    assert.equal(response.body.user.address, '/private/ada');
  });

  test('expired, forged, missing and API-key credentials get 401 on refresh and me', async () => {
    const secret = new TextEncoder().encode(server.config.jwtSecret);
    const past = Math.floor(Date.now() / 1000) - 60;
    const claims = { tid: server.tenant.id, role: 'agent' };
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(ada.user.id)
      .setIssuer('switchboard')
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(secret);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(ada.user.id)
      .setIssuer('switchboard')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('some other secret'));
    const credentials: Array<[string, Record<string, string>]> = [
      ['expired', { authorization: `Bearer ${expired}` }],
      ['forged', { authorization: `Bearer ${forged}` }],
      ['garbage', { authorization: 'Bearer not-a-token' }],
      ['missing', {}],
      ['basic', { authorization: 'Basic YWRhOnB3' }],
      ['api key', { authorization: `Bearer ${server.apiKey}` }],
    ];
    for (const [label, headers] of credentials) {
      for (const [method, path] of [
        ['POST', '/api/auth/refresh'],
        ['GET', '/api/auth/me'],
      ] as const) {
        const response = await requestJson(server.url, method, path, { headers });
        assert.equal(response.status, 401, `${label} ${method} ${path}`);
        assert.equal(response.body.error, 'unauthorized');
      }
    }
    const expiredResponse = await requestJson(server.url, 'GET', '/api/auth/me', {
      token: expired,
    });
    assert.equal(expiredResponse.body.message, 'token expired');
  });

  test('a token that expires by itself stops working', async () => {
    const shortLived = await startTestServer({ tokenTtlSeconds: 1 });
    try {
      const agent = await shortLived.createAgent('brief@t.test');
      assert.equal(
        (await requestJson(shortLived.url, 'GET', '/api/auth/me', { token: agent.token })).status,
        200,
      );
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const refresh = await requestJson(shortLived.url, 'POST', '/api/auth/refresh', {
        token: agent.token,
      });
      assert.equal(refresh.status, 401);
      assert.equal(refresh.body.message, 'token expired');
    } finally {
      await shortLived.close();
    }
  });
});
