/**
 * Sign-in under attack. Failed logins are limited per account and per client, answered with
 * 429 and Retry-After before any password is hashed; and password hashing waits its turn in its
 * own small queue, so a burst of bogus logins never delays a signed-in user's token checks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';

const PASSWORD = 'correct horse';

describe('login limits', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      loginMaxFailuresPerAccount: 3,
      loginMaxFailuresPerClient: 8,
      loginFailureWindowSeconds: 60,
    });
    await server.createUser('ada@limits.test', { password: PASSWORD });
    await server.createUser('bob@limits.test', { password: PASSWORD });
  });
  after(() => server.close());

  const login = (email: string, password: string) =>
    requestJson(server.url, 'POST', '/api/auth/login', {
      body: { tenant: server.tenant.name, email, password },
    });

  test('an account is locked after its failures, even for the right password, with Retry-After', async () => {
    for (let attempt = 0; attempt < 3; attempt++)
      assert.equal((await login('ada@limits.test', 'wrong')).status, 401);
    const locked = await login('ada@limits.test', PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error, 'too-many-requests');
    const retryAfter = Number(locked.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // Another account is not affected.
    assert.equal((await login('bob@limits.test', PASSWORD)).status, 200);
  });

  test('one client is limited across accounts, unknown ones included', async () => {
    // 3 failures of the test above already count for this client.
    for (let index = 0; index < 5; index++)
      assert.equal((await login(`nobody-${index}@limits.test`, 'guess')).status, 401);
    const limited = await login('bob@limits.test', PASSWORD);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});

describe('password hashing and token checks', () => {
  let server: TestServer;
  let ada: TestUser;

  before(async () => {
    // Limits out of the way: this is about the hashing queue, not the throttle.
    server = await startTestServer({
      loginMaxFailuresPerAccount: 1000,
      loginMaxFailuresPerClient: 1000,
    });
    ada = await server.createUser('ada@hashing.test', { password: PASSWORD });
  });
  after(() => server.close());

  test('60 concurrent bogus logins do not delay a signed-in user’s requests or new sockets', async () => {
    const bogus = Array.from({ length: 60 }, () =>
      requestJson(server.url, 'POST', '/api/auth/login', {
        body: { tenant: server.tenant.name, email: 'ada@hashing.test', password: 'wrong' },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 150)); // the hashing is under way
    const started = Date.now();
    const me = await requestJson(server.url, 'GET', '/api/auth/me', { token: ada.token });
    const meMs = Date.now() - started;
    const socketStarted = Date.now();
    const socket = new WebSocket(server.sessionUrl(ada.token));
    await new Promise((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
    });
    const helloMs = Date.now() - socketStarted;
    socket.terminate();
    const statuses = (await Promise.all(bogus)).map((response) => response.status);
    assert.equal(me.status, 200);
    assert.ok(meMs < 1000, `GET /api/auth/me took ${meMs} ms behind the bogus logins`);
    assert.ok(helloMs < 1000, `a new socket waited ${helloMs} ms for hello`);
    // Each bogus login was answered: refused (401), or told to come back later (429).
    assert.ok(
      statuses.every((status) => status === 401 || status === 429),
      String(statuses),
    );
  });
});
