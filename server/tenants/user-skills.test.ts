/**
 * Skills over HTTP: an admin sets a user's skills, a call placed through the API requires
 * them, and only the agent holding them rings; bad input and other tenants' users are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { closeAll, onlineAgent } from '../session/testing/scenario.ts';
import { expectRefused, malformedBodies } from '../test/bad-requests.ts';

describe('user skills', () => {
  let server: TestServer;
  let admin: TestUser;
  const skillsPath = (userId: string) => `/api/users/${userId}/skills`;
  const put = (userId: string, body: unknown, token = admin.token) =>
    requestJson(server.url, 'PUT', skillsPath(userId), { token, body });

  before(async () => {
    server = await startTestServer({ ringTimeoutSeconds: 20 });
    admin = await server.createUser('admin@s.test', { role: 'admin' });
  });
  after(() => server.close());

  test('an admin sets skills; a call requiring them rings only the agent holding them, at once', async () => {
    const [ada, bob] = await Promise.all([
      onlineAgent(server, 'ada@s.test', 'Ada'),
      onlineAgent(server, 'bob@s.test', 'Bob'),
    ]);
    await server.tenant.createRingGroup('skilled', [ada.user.id, bob.user.id]);
    const set = await put(bob.user.id, { skills: { spanish: 7, billing: 2 } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { skills: { billing: 2, spanish: 7 } });
    const read = await requestJson(server.url, 'GET', skillsPath(bob.user.id), {
      token: server.apiKey,
    });
    assert.deepEqual(read.body, set.body);

    const placed = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      body: { from: 'Cliente', to: '/group/skilled', skills: { spanish: 5 } },
    });
    assert.equal(placed.status, 201);
    await bob.tab.waitForCall(placed.body.id, 'ringing');
    const detail = await requestJson(server.url, 'GET', `/api/calls/${placed.body.id}`, {
      token: server.apiKey,
    });
    assert.deepEqual(
      detail.body.legs.map((leg: { userId: string }) => leg.userId),
      [bob.user.id],
      'Ada lacks the skill',
    );
    await closeAll([ada.tab, bob.tab]);
  });

  test("bad input is refused and changes nothing; another tenant's user is not found; agents and supervisors may not set skills", async () => {
    const carl = await server.createAgent('carl@s.test');
    await put(carl.user.id, { skills: { french: 3 } });
    const snapshot = async () =>
      (await requestJson(server.url, 'GET', skillsPath(carl.user.id), { token: admin.token })).body;
    const bad = (label: string, body: unknown, message: RegExp, status = 400) => ({
      label,
      method: 'PUT',
      path: skillsPath(carl.user.id),
      body,
      status,
      message,
    });
    await expectRefused(
      server,
      [
        ...malformedBodies('PUT', skillsPath(carl.user.id), { skills: {} }),
        bad('no skills', {}, /missing required property "skills"/),
        bad('level 0', { skills: { french: 0 } }, /must be >= 1/),
        bad('level 11', { skills: { french: 11 } }, /must be <= 10/),
        bad('level text', { skills: { french: 'high' } }, /must be integer/),
        bad('upper-case name', { skills: { French: 3 } }, /skills/),
        bad('extra field', { skills: {}, level: 1 }, /unknown property "level"/),
      ],
      { token: admin.token, snapshot },
    );
    const foreign = await server.otherTenant.createAgent('dan@other.test');
    assert.equal((await put(foreign.user.id, { skills: { french: 1 } })).status, 404);
    assert.equal((await put('nobody', { skills: {} })).status, 404);
    const agent = await server.createAgent('eve@s.test');
    const supervisor = await server.createUser('sue@s.test', { role: 'supervisor' });
    assert.equal((await put(carl.user.id, { skills: {} }, agent.token)).status, 403);
    assert.equal((await put(carl.user.id, { skills: {} }, supervisor.token)).status, 403);
    assert.deepEqual(await snapshot(), { skills: { french: 3 } });

    const badCall = await requestJson(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      body: { from: 'X', to: '/private/carl', skills: { french: 0 } },
    });
    assert.equal(badCall.status, 400);
    assert.match(badCall.body.message, /skills/);
  });
});
