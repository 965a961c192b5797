/**
 * `/api/admin/changes` over a real server and real WebSockets: two admin pages of one tenant
 * both hear of every change another admin (or the API key) makes to people, skills, ring
 * groups, phone numbers and API keys; another tenant's admin hears nothing; a refused request
 * is no change; only admins may watch, and an admin deactivated or demoted stops watching.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { AdminPageSocket, adminChangesUrl } from './testing/admin-page-socket.ts';

const changesUrl = (server: TestServer, token?: string) => adminChangesUrl(server.url, token);

describe('admin changes feed', () => {
  let server: TestServer;
  let admin: TestUser;
  let otherAdmin: TestUser;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    requestJson(server.url, method, `/api${path}`, { token, body });

  before(async () => {
    server = await startTestServer();
    admin = await server.createUser('admin@changes.test', { role: 'admin', name: 'Admin One' });
    otherAdmin = await server.otherTenant.createUser('admin@other.test', { role: 'admin' });
  });
  after(() => server.close());

  test('refuses a missing or bad token with 4401 and anyone but an admin with 4403', async () => {
    const agent = await server.createAgent('agent@changes.test');
    const supervisor = await server.createUser('sup@changes.test', { role: 'supervisor' });
    const cases: [string, string, number, RegExp][] = [
      ['no token', changesUrl(server), 4401, /missing token/],
      ['garbage', changesUrl(server, 'not-a-jwt'), 4401, /invalid token/],
      ['api key', changesUrl(server, server.apiKey), 4401, /invalid token/],
      ['agent', changesUrl(server, agent.token), 4403, /requires role admin/],
      ['supervisor', changesUrl(server, supervisor.token), 4403, /requires role admin/],
    ];
    for (const [name, url, code, reason] of cases) {
      const page = await AdminPageSocket.open(url);
      await page.waitUntil(() => page.closed, `${name}: close`);
      assert.equal(page.closed!.code, code, name);
      assert.match(page.closed!.reason, reason, name);
      assert.equal(page.heartbeats + page.changes.length, 0, `${name}: no frames`);
    }
  });

  test("a second admin page hears of every change, another tenant's of none", async () => {
    const secondAdmin = await server.createUser('admin2@changes.test', { role: 'admin' });
    const first = await AdminPageSocket.open(changesUrl(server, admin.token));
    const second = await AdminPageSocket.open(changesUrl(server, secondAdmin.token));
    const elsewhere = await AdminPageSocket.open(changesUrl(server, otherAdmin.token));
    const pages = [first, second];
    try {
      const person = await call('POST', '/people', admin.token, {
        reference: 'new@changes.test',
        name: 'New Person',
        role: 'agent',
      });
      assert.equal(person.status, 201, JSON.stringify(person.body));
      for (const page of pages) await page.waitFor('people');

      const userId = person.body.person.id as string;
      const skills = await call('PUT', `/users/${userId}/skills`, admin.token, {
        skills: { spanish: 7 },
      });
      assert.equal(skills.status, 200, JSON.stringify(skills.body));
      for (const page of pages)
        await page.waitUntil(() => page.changes.length >= 2, 'a second people change (skills)');

      // The API key's changes count as much as an admin's.
      const group = await call('POST', '/ring-groups', server.apiKey, {
        name: 'changes',
        members: [userId],
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      for (const page of pages) await page.waitFor('ring-groups');

      const phoneNumber = await call('POST', '/phone-numbers', admin.token, {
        number: '+1 415 555 0123',
        destination: { type: 'group', ringGroupId: group.body.id },
      });
      assert.equal(phoneNumber.status, 201, JSON.stringify(phoneNumber.body));
      for (const page of pages) await page.waitFor('phone-numbers');

      const key = await call('POST', '/api-keys', admin.token, { label: 'changes' });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      for (const page of pages) await page.waitFor('api-keys');

      // Deleting a group leaves its numbers routing nowhere: both lists change.
      const before = first.changes.length;
      const deleted = await call('DELETE', `/ring-groups/${group.body.id}`, admin.token);
      assert.equal(deleted.status, 204);
      await first.waitUntil(
        () => first.changes.slice(before).flat().includes('phone-numbers'),
        'the numbers of a deleted group',
      );
      assert.ok(first.heard().has('ring-groups'));

      // Another tenant's admin heard of none of it, and nothing of its own.
      await delay(300);
      assert.deepEqual(elsewhere.changes, []);
      assert.deepEqual(first.changes, second.changes, 'both pages heard the same');
    } finally {
      for (const page of [...pages, elsewhere]) page.close();
    }
  });

  test('a refused change is no change: nothing is pushed', async () => {
    const page = await AdminPageSocket.open(changesUrl(server, admin.token));
    try {
      const refused = [
        await call('POST', '/people', admin.token, { reference: 'x', name: '', role: 'owner' }),
        await call('POST', '/ring-groups', admin.token, { name: 'Not Valid' }),
        await call('POST', '/phone-numbers', admin.token, {
          number: '555',
          destination: { type: 'group' },
        }),
        await call('POST', '/api-keys', admin.token, { label: '' }),
        // Another tenant's admin cannot touch this tenant's lists either.
        await call('POST', '/ring-groups', otherAdmin.token, { name: 'changes-other' }),
      ];
      assert.deepEqual(
        refused.map((response) => response.status),
        [400, 400, 400, 400, 201],
      );
      await delay(300);
      assert.deepEqual(page.changes, []);
    } finally {
      page.close();
    }
  });

  test('an admin who is deactivated (4401) or demoted (4403) stops watching', async () => {
    const leaving = await server.createUser('leaving@changes.test', { role: 'admin' });
    const demoted = await server.createUser('demoted@changes.test', { role: 'admin' });
    const leavingPage = await AdminPageSocket.open(changesUrl(server, leaving.token));
    const demotedPage = await AdminPageSocket.open(changesUrl(server, demoted.token));

    const deactivated = await call('POST', `/people/${leaving.user.id}/deactivate`, admin.token);
    assert.equal(deactivated.status, 200, JSON.stringify(deactivated.body));
    await leavingPage.waitUntil(() => leavingPage.closed, 'the deactivated admin closed');
    assert.deepEqual(leavingPage.closed, { code: 4401, reason: 'account deactivated' });

    const changed = await call('PATCH', `/people/${demoted.user.id}`, admin.token, {
      role: 'agent',
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await demotedPage.waitUntil(() => demotedPage.closed, 'the demoted admin closed');
    assert.deepEqual(demotedPage.closed, { code: 4403, reason: 'requires role admin' });
  });
});
