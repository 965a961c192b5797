/**
 * Tenant B's API key, tokens and ids against tenant A's data: every endpoint must answer
 * exactly as it does for things that do not exist, and change nothing of A's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';

describe('tenant isolation', () => {
  let server: TestServer;
  let adaA: TestUser;
  let adminA: TestUser;
  let adminB: TestUser;
  let agentB: TestUser;
  let groupA: { id: string };
  const api = (method: string, path: string, token: string, body?: unknown) =>
    requestJson(server.url, method, path, { token, body });
  const snapshotA = async () => ({
    users: (await api('GET', '/api/users', server.apiKey)).body,
    groups: (await api('GET', '/api/ring-groups', server.apiKey)).body,
  });

  before(async () => {
    server = await startTestServer();
    adaA = await server.createUser('ada@shared.test', { name: 'Ada of A', password: 'password-a' });
    adminA = await server.createUser('admin@a.test', { role: 'admin' });
    adminB = await server.otherTenant.createUser('admin@b.test', { role: 'admin' });
    agentB = await server.otherTenant.createAgent('bob@b.test', 'Bob of B');
    groupA = (
      await api('POST', '/api/ring-groups', server.apiKey, {
        name: 'support',
        members: [adaA.user.id],
      })
    ).body;
  });
  after(() => server.close());

  test("B's credentials see only B in me, refresh and the user list", async () => {
    const me = await api('GET', '/api/auth/me', agentB.token);
    assert.deepEqual(me.body.tenant, { id: server.otherTenant.id, name: server.otherTenant.name });
    const refreshed = await api('POST', '/api/auth/refresh', agentB.token);
    assert.equal(refreshed.body.user.id, agentB.user.id);
    for (const token of [server.otherTenant.apiKey, adminB.token]) {
      const listed = await api('GET', '/api/users', token);
      assert.deepEqual(
        listed.body.users.map((user: { id: string }) => user.id).sort(),
        [adminB.user.id, agentB.user.id].sort(),
      );
    }
  });

  test("A's password does not sign in to B, even for the same email", async () => {
    const response = await requestJson(server.url, 'POST', '/api/auth/login', {
      body: { tenant: server.otherTenant.name, email: 'ada@shared.test', password: 'password-a' },
    });
    assert.equal(response.status, 401);
    assert.equal(response.body.message, 'invalid credentials');
  });

  test("B's API key minting A's reference creates B's own user and leaves A's alone", async () => {
    const before = await snapshotA();
    const minted = await api('POST', '/api/subscribers/tokens', server.otherTenant.apiKey, {
      reference: 'ada@shared.test',
    });
    assert.equal(minted.status, 200);
    assert.notEqual(minted.body.subscriber.id, adaA.user.id);
    const me = await api('GET', '/api/auth/me', minted.body.token);
    assert.equal(me.body.tenant.id, server.otherTenant.id);
    assert.equal(me.body.user.name, 'ada@shared.test');
    assert.deepEqual(await snapshotA(), before);
  });

  test("A's ring group id behaves for B exactly like an id that never existed", async () => {
    const before = await snapshotA();
    for (const token of [server.otherTenant.apiKey, adminB.token]) {
      const listed = await api('GET', '/api/ring-groups', token);
      assert.ok(!listed.body.ringGroups.some((group: { id: string }) => group.id === groupA.id));
      for (const [method, body] of [
        ['GET'],
        ['PATCH', { name: 'stolen', members: [] }],
        ['DELETE'],
      ] as const) {
        const foreign = await api(method, `/api/ring-groups/${groupA.id}`, token, body);
        const unknown = await api(method, `/api/ring-groups/${randomUUID()}`, token, body);
        assert.equal(
          foreign.status,
          404,
          `${method} with ${token === adminB.token ? 'token' : 'key'}`,
        );
        assert.deepEqual(foreign.body, unknown.body);
      }
    }
    assert.deepEqual(await snapshotA(), before);
  });

  test("A's user ids cannot be made members of B's groups", async () => {
    const foreign = await api('POST', '/api/ring-groups', server.otherTenant.apiKey, {
      name: 'poach',
      members: [adaA.user.id],
    });
    const unknownId = randomUUID();
    const unknown = await api('POST', '/api/ring-groups', server.otherTenant.apiKey, {
      name: 'poach',
      members: [unknownId],
    });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.message, unknown.body.message.replace(unknownId, adaA.user.id));
    const groupB = (
      await api('POST', '/api/ring-groups', adminB.token, {
        name: 'support',
        members: [agentB.user.id],
      })
    ).body;
    assert.equal(groupB.name, 'support', 'the same group name is free in another tenant');
    const patched = await api('PATCH', `/api/ring-groups/${groupB.id}`, adminB.token, {
      members: [adminA.user.id],
    });
    assert.equal(patched.status, 400);
    assert.deepEqual(
      (await api('GET', `/api/ring-groups/${groupB.id}`, adminB.token)).body.members,
      [agentB.user.id],
    );
  });

  test("A's ring groups and users never appear through B's admin, and vice versa", async () => {
    const groupsA = (await api('GET', '/api/ring-groups', adminA.token)).body.ringGroups;
    const groupsB = (await api('GET', '/api/ring-groups', adminB.token)).body.ringGroups;
    const idsA = new Set(groupsA.map((group: { id: string }) => group.id));
    assert.ok(groupsB.every((group: { id: string }) => !idsA.has(group.id)));
    const usersA = (await api('GET', '/api/users', adminA.token)).body.users;
    assert.ok(
      usersA.every(
        (user: { id: string }) => user.id !== agentB.user.id && user.id !== adminB.user.id,
      ),
    );
  });
});
