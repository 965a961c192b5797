/**
 * People over HTTP on a real server: an admin creates a person with a role (typed or generated
 * password), renames them, changes their role (it counts at once), deactivates them (their tab
 * closes, sign-in and their token are refused, a group call rings someone else, the records
 * stay) and reactivates them, resets a password. The last admin stays an admin; bad input,
 * other roles and other tenants are refused and change nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { closeAll, onlineAgent, openTab, placeCall } from '../session/testing/scenario.ts';
import { expectRefused, malformedBodies } from '../test/bad-requests.ts';

describe('people', () => {
  let server: TestServer;
  let admin: TestUser;
  const api = (method: string, path: string, body?: unknown, token = admin.token) =>
    requestJson(server.url, method, path, { token, body });
  const login = (email: string, password: string) =>
    requestJson(server.url, 'POST', '/api/auth/login', {
      body: { tenant: server.tenant.name, email, password },
    });
  const listPeople = async () => (await api('GET', '/api/people')).body;

  before(async () => {
    server = await startTestServer({ ringTimeoutSeconds: 20 });
    admin = await server.createUser('root@people.test', { role: 'admin' });
  });
  after(() => server.close());

  test('an admin creates a person who signs in with the password typed or the one generated and shown once', async () => {
    const typed = await api('POST', '/api/people', {
      reference: 'tina@people.test',
      name: 'Tina Typed',
      role: 'supervisor',
      password: 'correct horse',
    });
    assert.equal(typed.status, 201);
    assert.equal(typed.body.password, undefined, 'a typed password is never echoed');
    assert.deepEqual(
      { ...typed.body.person, id: undefined },
      {
        id: undefined,
        reference: 'tina@people.test',
        name: 'Tina Typed',
        role: 'supervisor',
        address: '/private/tina',
        active: true,
      },
    );
    assert.equal((await login('tina@people.test', 'correct horse')).body.user.role, 'supervisor');

    const generated = await api('POST', '/api/people', {
      reference: 'gus@people.test',
      name: 'Gus',
      role: 'agent',
    });
    assert.equal(generated.status, 201);
    assert.match(generated.body.password, /^[A-Za-z0-9]{16}$/);
    assert.equal((await login('gus@people.test', generated.body.password)).status, 200);
    const listed = (await listPeople()).people.find(
      (person: { reference: string }) => person.reference === 'gus@people.test',
    );
    assert.equal(listed.password, undefined, 'the list never shows a password');

    const again = await api('POST', '/api/people', {
      reference: 'gus@people.test',
      name: 'Another Gus',
      role: 'admin',
    });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /already signs in as gus@people.test/);
  });

  test('renaming and a new role count at once, for the person already signed in too', async () => {
    const person = await server.createAgent('rita@people.test', 'Rita');
    const asRita = (path: string) => requestJson(server.url, 'GET', path, { token: person.token });
    assert.equal((await asRita('/api/users')).status, 403, 'agents may not list users');
    const changed = await api('PATCH', `/api/people/${person.user.id}`, {
      name: 'Rita Supervisor',
      role: 'supervisor',
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.name, 'Rita Supervisor');
    assert.equal(changed.body.role, 'supervisor');
    assert.equal(
      (await asRita('/api/users')).status,
      200,
      'her old token now counts as supervisor',
    );
    const me = await asRita('/api/auth/me');
    assert.equal(me.body.user.name, 'Rita Supervisor');
  });

  test('the last active admin cannot be demoted or deactivated; with a second admin they can', async () => {
    const tenant = await server.createTenant('solo-admin');
    const only = await tenant.createUser('only@solo.test', { role: 'admin' });
    const asOnly = (method: string, path: string, body?: unknown) =>
      requestJson(server.url, method, path, { token: only.token, body });
    const demote = await asOnly('PATCH', `/api/people/${only.user.id}`, { role: 'agent' });
    assert.equal(demote.status, 409);
    assert.match(demote.body.message, /last admin cannot be demoted/);
    const byKey = await requestJson(server.url, 'POST', `/api/people/${only.user.id}/deactivate`, {
      token: tenant.apiKey,
    });
    assert.equal(byKey.status, 409);
    assert.match(byKey.body.message, /last admin cannot be deactivated/);
    const self = await asOnly('POST', `/api/people/${only.user.id}/deactivate`);
    assert.equal(self.status, 409);
    assert.match(self.body.message, /cannot deactivate yourself/);

    const second = await asOnly('POST', '/api/people', {
      reference: 'second@solo.test',
      name: 'Second',
      role: 'admin',
    });
    assert.equal(second.status, 201);
    assert.equal(
      (await asOnly('PATCH', `/api/people/${only.user.id}`, { role: 'agent' })).status,
      200,
    );
    assert.equal((await asOnly('GET', '/api/people')).status, 403, 'demoted: no longer an admin');
  });

  test('a deactivated person: tab closed, sign-in and token refused, never rung, records kept; reactivated they come back', async () => {
    const dee = await server.createUser('dee@people.test', {
      name: 'Dee',
      role: 'agent',
      password: 'dee-password',
    });
    const deeTab = await openTab(server, dee);
    const eve = await onlineAgent(server, 'eve@people.test', 'Eve');
    await server.tenant.createRingGroup('desk', [dee.user.id, eve.user.id]);
    const before = await placeCall(server, '/group/desk');
    await deeTab.waitForCall(before.id, 'ringing');
    await requestJson(server.url, 'DELETE', `/api/calls/${before.id}`, { token: server.apiKey });

    const deactivated = await api('POST', `/api/people/${dee.user.id}/deactivate`);
    assert.equal(deactivated.status, 200);
    assert.equal(deactivated.body.active, false);
    assert.deepEqual(await deeTab.waitForClose(), { code: 4401, reason: 'account deactivated' });
    assert.equal((await login('dee@people.test', 'dee-password')).status, 401);
    const me = await requestJson(server.url, 'GET', '/api/auth/me', { token: dee.token });
    assert.equal(me.status, 401);
    assert.equal(
      (await requestJson(server.url, 'POST', '/api/auth/refresh', { token: dee.token })).status,
      401,
    );
    const refusedTab = await openTab(server, dee, { online: false });
    assert.equal(refusedTab.closed?.code, 4401, 'a new tab with her token is refused');

    const after = await placeCall(server, '/group/desk');
    await eve.tab.waitForCall(after.id, 'ringing');
    const detail = await requestJson(server.url, 'GET', `/api/calls/${after.id}`, {
      token: server.apiKey,
    });
    assert.deepEqual(
      detail.body.legs.map((leg: { userId: string }) => leg.userId),
      [eve.user.id],
    );
    const private_ = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      body: { from: 'X', to: '/private/dee' },
    });
    assert.equal(private_.status, 404, 'a deactivated person cannot be dialed');
    const listed = (await listPeople()).people.find(
      (person: { id: string }) => person.id === dee.user.id,
    );
    assert.equal(listed.active, false, 'still listed for admins');
    const earlier = await requestJson(server.url, 'GET', `/api/calls/${before.id}`, {
      token: server.apiKey,
    });
    assert.deepEqual(
      earlier.body.legs.map((leg: { userId: string }) => leg.userId).sort(),
      [dee.user.id, eve.user.id].sort(),
      'her earlier legs stay',
    );
    const users = await api('GET', '/api/users');
    assert.ok(!users.body.users.some((user: { id: string }) => user.id === dee.user.id));

    const reactivated = await api('POST', `/api/people/${dee.user.id}/reactivate`);
    assert.equal(reactivated.body.active, true);
    assert.equal((await login('dee@people.test', 'dee-password')).status, 200);
    await requestJson(server.url, 'DELETE', `/api/calls/${after.id}`, { token: server.apiKey });
    await closeAll([eve.tab]);
  });

  test('a reset password replaces the old one: typed, or generated and shown once', async () => {
    const pat = await server.createUser('pat@people.test', { password: 'first-password' });
    const typed = await api('POST', `/api/people/${pat.user.id}/password`, {
      password: 'second-password',
    });
    assert.equal(typed.status, 200);
    assert.equal(typed.body.password, undefined);
    assert.equal((await login('pat@people.test', 'first-password')).status, 401);
    assert.equal((await login('pat@people.test', 'second-password')).status, 200);
    const generated = await api('POST', `/api/people/${pat.user.id}/password`, {});
    assert.match(generated.body.password, /^[A-Za-z0-9]{16}$/);
    assert.equal((await login('pat@people.test', 'second-password')).status, 401);
    assert.equal((await login('pat@people.test', generated.body.password)).status, 200);
  });

  test('bad input is refused with what is wrong and changes nothing; agents, supervisors and other tenants are refused', async () => {
    const carl = await server.createAgent('carl@people.test', 'Carl');
    const path = `/api/people/${carl.user.id}`;
    const bad = (label: string, method: string, at: string, body: unknown, message: RegExp) => ({
      label,
      method,
      path: at,
      body,
      status: 400,
      message,
    });
    const valid = { reference: 'new@people.test', name: 'New', role: 'agent' };
    await expectRefused(
      server,
      [
        ...malformedBodies('POST', '/api/people', valid),
        ...malformedBodies('PATCH', path, { name: 'Carl' }),
        bad('no reference', 'POST', '/api/people', { name: 'X', role: 'agent' }, /reference/),
        bad('not an email', 'POST', '/api/people', { ...valid, reference: 'carl' }, /reference/),
        bad('unknown role', 'POST', '/api/people', { ...valid, role: 'owner' }, /role/),
        bad('blank name', 'POST', '/api/people', { ...valid, name: '   ' }, /name/),
        bad('short password', 'POST', '/api/people', { ...valid, password: 'short' }, /password/),
        bad(
          'extra field',
          'POST',
          '/api/people',
          { ...valid, admin: true },
          /unknown property "admin"/,
        ),
        bad('empty change', 'PATCH', path, {}, /at least 1 property/),
        bad('role text', 'PATCH', path, { role: 'boss' }, /role/),
        bad('short reset', 'POST', `${path}/password`, { password: '1234' }, /password/),
      ],
      { token: admin.token, snapshot: listPeople },
    );
    const agent = await server.createAgent('ann@people.test');
    const supervisor = await server.createUser('sam@people.test', { role: 'supervisor' });
    for (const token of [agent.token, supervisor.token]) {
      assert.equal((await api('GET', '/api/people', undefined, token)).status, 403);
      assert.equal((await api('PATCH', path, { role: 'admin' }, token)).status, 403);
      assert.equal((await api('POST', `${path}/deactivate`, undefined, token)).status, 403);
    }
    assert.equal((await api('GET', '/api/people', undefined, 'not-a-token')).status, 401);
    const foreign = await server.otherTenant.createAgent('dan@other.test');
    for (const [method, at, body] of [
      ['PATCH', `/api/people/${foreign.user.id}`, { name: 'Mine' }],
      ['POST', `/api/people/${foreign.user.id}/deactivate`, undefined],
      ['POST', `/api/people/${foreign.user.id}/reactivate`, undefined],
      ['POST', `/api/people/${foreign.user.id}/password`, {}],
    ] as const) {
      const response = await api(method, at, body);
      assert.equal(response.status, 404, `${method} ${at}`);
    }
    const others = await requestJson(server.url, 'GET', '/api/people', {
      token: server.otherTenant.apiKey,
    });
    assert.ok(!others.body.people.some((person: { id: string }) => person.id === carl.user.id));
    assert.equal((await login('dan@other.test', 'anything-at-all')).status, 401);
  });
});
