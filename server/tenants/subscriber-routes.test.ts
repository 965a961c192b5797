import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';

describe('subscriber access tokens', () => {
  let server: TestServer;
  const mint = (body: unknown, token: string | null = server.apiKey) =>
    requestJson(server.url, 'POST', '/api/subscribers/tokens', { token: token ?? undefined, body });
  const users = (token = server.apiKey) => requestJson(server.url, 'GET', '/api/users', { token });

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('a new reference creates the user and returns a working token', async () => {
    const response = await mint({
      reference: 'Grace.Hopper@example.com',
      first_name: 'Grace',
      last_name: 'Hopper',
    });
    assert.equal(response.status, 200);
    const { token, expiresAt, subscriber } = response.body;
    assert.equal(subscriber.reference, 'Grace.Hopper@example.com');
    assert.equal(subscriber.address, '/private/grace.hopper');
    assert.ok(
      expiresAt > Date.now() &&
        expiresAt <= Date.now() + server.config.tokenTtlSeconds * 1000 + 1000,
    );
    const me = await requestJson(server.url, 'GET', '/api/auth/me', { token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.user, {
      id: subscriber.id,
      reference: 'Grace.Hopper@example.com',
      name: 'Grace Hopper',
      role: 'agent',
      address: '/private/grace.hopper',
    });
  });

  test('a known reference keeps the existing user unchanged and mints a fresh token', async () => {
    const first = await mint({
      reference: 'alan@example.com',
      first_name: 'Alan',
      last_name: 'Turing',
    });
    const second = await mint({
      reference: 'alan@example.com',
      first_name: 'Someone',
      last_name: 'Else',
      role: 'admin',
    });
    assert.equal(second.status, 200);
    assert.equal(second.body.subscriber.id, first.body.subscriber.id);
    assert.equal(second.body.subscriber.address, first.body.subscriber.address);
    const me = await requestJson(server.url, 'GET', '/api/auth/me', { token: second.body.token });
    assert.equal(me.body.user.name, 'Alan Turing');
    assert.equal(me.body.user.role, 'agent');
  });

  test('without names the display name is the reference; usernames stay unique', async () => {
    const first = await mint({ reference: 'kj@one.example' });
    const second = await mint({ reference: 'kj@two.example', first_name: 'Katherine' });
    assert.equal(first.body.subscriber.address, '/private/kj');
    assert.equal(second.body.subscriber.address, '/private/kj-2');
    const listed = (await users()).body.users;
    assert.equal(
      listed.find((user: { id: string }) => user.id === first.body.subscriber.id).name,
      'kj@one.example',
    );
    assert.equal(
      listed.find((user: { id: string }) => user.id === second.body.subscriber.id).name,
      'Katherine',
    );
  });

  test('a password given at creation lets the user sign in', async () => {
    const created = await mint({
      reference: 'sam@example.com',
      password: 'supervise-me',
      role: 'supervisor',
    });
    assert.equal(created.status, 200);
    const login = await requestJson(server.url, 'POST', '/api/auth/login', {
      body: { tenant: server.tenant.name, email: 'sam@example.com', password: 'supervise-me' },
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.role, 'supervisor');
  });

  test('only an API key may mint tokens', async () => {
    const agent = await server.createAgent('agent@t.test');
    const admin = await server.createUser('admin@t.test', { role: 'admin' });
    for (const token of [agent.token, admin.token, 'sbk_not_a_real_key', null]) {
      const response = await mint({ reference: 'someone@example.com' }, token);
      assert.equal(response.status, 401);
    }
    const listed = (await users()).body.users;
    assert.ok(
      !listed.some((user: { reference: string }) => user.reference === 'someone@example.com'),
    );
  });

  test('GET /api/users lists the tenant with roles and addresses for API key, supervisor and admin', async () => {
    const supervisor = await server.createUser('boss@t.test', {
      role: 'supervisor',
      name: 'The Boss',
    });
    const admin = await server.createUser('root@t.test', { role: 'admin' });
    const agent = await server.createAgent('plain@t.test');
    for (const token of [server.apiKey, supervisor.token, admin.token]) {
      const response = await users(token);
      assert.equal(response.status, 200);
      const boss = response.body.users.find(
        (user: { id: string }) => user.id === supervisor.user.id,
      );
      assert.deepEqual(boss, {
        id: supervisor.user.id,
        reference: 'boss@t.test',
        name: 'The Boss',
        role: 'supervisor',
        address: '/private/boss',
      });
    }
    const forbidden = await users(agent.token);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'forbidden');
    assert.equal((await users('')).status, 401);
  });
});
