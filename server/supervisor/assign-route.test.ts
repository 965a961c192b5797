/**
 * `POST /api/supervisor/calls/:callId/assign` over real HTTP and sockets: the chosen agent alone
 * rings, the call falls back to ringing as usual when it is not taken, and every refusal (role,
 * unknown or other tenant's ids, wrong state, bad bodies) changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { expectRefused, malformedBodies } from '../test/bad-requests.ts';
import { closeAll, getCall, onlineAgent, placeCall } from '../session/testing/scenario.ts';

let server: TestServer;
let boss: TestUser;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 10, endedCallLingerMs: 5_000 });
  boss = await server.createUser('boss@assign.test', { role: 'supervisor', name: 'Boss' });
});
after(() => server.close());

const assignPath = (callId: string) => `/api/supervisor/calls/${callId}/assign`;
const assign = (callId: string, userId: string, token = boss.token) =>
  requestJson(server.url, 'POST', assignPath(callId), { token, body: { userId } });

describe('assign a call to an agent', { concurrency: true }, () => {
  test('only the chosen agent rings; everyone else stops; the reply is the call as supervisors see it', async () => {
    const [ada, bob, dan] = await Promise.all(
      ['Ada', 'Bob', 'Dan'].map((name) => onlineAgent(server, `${name}@assign-all.test`, name)),
    );
    await server.tenant.createRingGroup('assign-all', [ada.user.id, bob.user.id, dan.user.id]);
    const call = await placeCall(server, '/group/assign-all');
    await Promise.all([ada, bob, dan].map((agent) => agent.tab.waitForCall(call.id, 'ringing')));

    const response = await assign(call.id, dan.user.id);
    assert.equal(response.status, 202, JSON.stringify(response.body));
    assert.equal(response.body.id, call.id);
    assert.equal(response.body.status, 'ringing');
    assert.deepEqual(response.body.rungAgents, [{ id: dan.user.id, name: 'Dan' }]);
    assert.equal(response.body.answeredBy, null);
    for (const other of [ada, bob])
      await other.tab.waitForCall(call.id, 'disconnected', 'no_answer');
    const rung = await dan.tab.waitUntil(
      () => dan.tab.call(call.id)?.attempt === 2 && dan.tab.call(call.id),
      'Dan rung by the assignment',
    );
    assert.equal(rung.status, 'ringing');
    assert.equal(ada.tab.call(call.id)?.status, 'disconnected', 'the others are not rung again');

    assert.equal((await dan.tab.request({ type: 'call.accept', callId: call.id })).type, 'ok');
    const detail = await getCall(server, call.id);
    assert.equal(detail.status, 'connected');
    assert.deepEqual(detail.answeredBy, { id: dan.user.id, name: 'Dan' });
    assert.deepEqual(
      detail.legs.map((leg) => [leg.userId, leg.attempt, leg.outcome]).sort(),
      [
        [ada.user.id, 1, 'withdrawn'],
        [bob.user.id, 1, 'withdrawn'],
        [dan.user.id, 1, 'withdrawn'],
        [dan.user.id, 2, 'answered'],
      ].sort(),
    );
    await closeAll([ada.tab, bob.tab, dan.tab]);
  });

  test('not taken, the call rings the group as usual again', async () => {
    const ada = await onlineAgent(server, 'ada@assign-back.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@assign-back.test', 'Bob');
    const dan = await onlineAgent(server, 'dan@assign-back.test', 'Dan');
    await server.tenant.createRingGroup('assign-back', [ada.user.id, bob.user.id], {
      ringTimeoutSeconds: 1,
    });
    const call = await placeCall(server, '/group/assign-back');
    await ada.tab.waitForCall(call.id, 'ringing');
    // Dan is not a member: a supervisor may pull a call to anyone of the tenant.
    assert.equal((await assign(call.id, dan.user.id)).status, 202);
    await dan.tab.waitForCall(call.id, 'ringing');
    await dan.tab.waitForCall(call.id, 'disconnected', 'no_answer', 3_000);
    for (const member of [ada, bob])
      await member.tab.waitUntil(
        () =>
          member.tab.call(call.id)?.status === 'ringing' && member.tab.call(call.id)!.attempt! >= 3,
        'rung as usual again',
        3_000,
      );
    const legs = (await getCall(server, call.id)).legs;
    assert.deepEqual(
      legs.filter((leg) => leg.userId === dan.user.id).map((leg) => leg.outcome),
      ['missed'],
    );
    await closeAll([ada.tab, bob.tab, dan.tab]);
  });

  test('a queued call nobody could take rings the assigned agent; an admin may assign too', async () => {
    const offline = await server.createAgent('offline@assign-queued.test', 'Off');
    const dan = await onlineAgent(server, 'dan@assign-queued.test', 'Dan');
    const admin = await server.createUser('admin@assign-queued.test', { role: 'admin' });
    await server.tenant.createRingGroup('assign-queued', [offline.user.id]);
    const call = await placeCall(server, '/group/assign-queued');
    assert.equal(call.status, 'queued');
    const response = await assign(call.id, dan.user.id, admin.token);
    assert.equal(response.status, 202);
    await dan.tab.waitForCall(call.id, 'ringing');
    assert.equal((await dan.tab.request({ type: 'call.reject', callId: call.id })).type, 'ok');
    assert.equal((await getCall(server, call.id)).status, 'queued', 'back in its queue');
    await dan.tab.close();
  });

  test('refusals: 401/403 by role, 404 for unknown and other tenants’ ids, 409 by state, 400 bad bodies — nothing changes', async () => {
    const ada = await onlineAgent(server, 'ada@assign-bad.test', 'Ada');
    const busy = await onlineAgent(server, 'busy@assign-bad.test', 'Busy');
    const away = await onlineAgent(server, 'away@assign-bad.test', 'Away');
    const offline = await server.createAgent('offline@assign-bad.test', 'Offline');
    const stranger = await onlineAgent(server, 'stranger@assign-bad.test', 'Stranger', {
      tenant: server.otherTenant,
    });
    await away.tab.request({ type: 'presence.set', presence: 'away' });
    const nobody = await server.createAgent('nobody@assign-bad.test', 'Nobody');
    await server.tenant.createRingGroup('assign-bad', [nobody.user.id]);
    const waiting = await placeCall(server, '/group/assign-bad');
    const connected = await placeCall(server, busy.address);
    await busy.tab.waitForCall(connected.id, 'ringing');
    await busy.tab.request({ type: 'call.accept', callId: connected.id });
    const ended = await placeCall(server, ada.address);
    await ada.tab.waitForCall(ended.id, 'ringing');
    await ada.tab.request({ type: 'call.reject', callId: ended.id });
    const strangerCall = await placeCall(server, '/private/stranger', {
      apiKey: server.otherTenant.apiKey,
    });
    const snapshot = async () => ({
      waiting: await getCall(server, waiting.id),
      ada: ada.tab.calls.map((call) => [call.id, call.status]),
    });
    const before = await snapshot();

    const cases: [string, string, string, string | undefined, number, RegExp][] = [
      ['agent', waiting.id, ada.user.id, ada.token, 403, /requires role supervisor or admin/],
      ['api key', waiting.id, ada.user.id, server.apiKey, 401, /user token is required/],
      ['no credentials', waiting.id, ada.user.id, undefined, 401, /missing Authorization/],
      ['unknown call', 'no-such-call', ada.user.id, boss.token, 404, /call no-such-call not found/],
      ['other tenant call', strangerCall.id, ada.user.id, boss.token, 404, /not found/],
      ['unknown user', waiting.id, 'no-such-user', boss.token, 404, /user no-such-user not found/],
      ['other tenant user', waiting.id, stranger.user.id, boss.token, 404, /not found/],
      ['connected call', connected.id, ada.user.id, boss.token, 409, /is connected, not waiting/],
      ['ended call', ended.id, ada.user.id, boss.token, 409, /has ended/],
      ['busy agent', waiting.id, busy.user.id, boss.token, 409, /Busy is busy/],
      ['away agent', waiting.id, away.user.id, boss.token, 409, /Away is away/],
      ['offline agent', waiting.id, offline.user.id, boss.token, 409, /Offline is offline/],
    ];
    for (const [label, callId, userId, token, status, message] of cases) {
      const response = await requestJson(server.url, 'POST', assignPath(callId), {
        token,
        body: { userId },
      });
      assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.message, message, label);
    }
    await expectRefused(
      server,
      [
        ...malformedBodies('POST', assignPath(waiting.id), { userId: ada.user.id }),
        {
          label: 'no userId',
          method: 'POST',
          path: assignPath(waiting.id),
          body: {},
          status: 400,
          message: /userId/,
        },
        {
          label: 'empty userId',
          method: 'POST',
          path: assignPath(waiting.id),
          body: { userId: '' },
          status: 400,
          message: /userId/,
        },
      ],
      { token: boss.token, snapshot },
    );
    assert.deepEqual(await snapshot(), before);
    assert.equal(busy.tab.call(connected.id)?.status, 'connected');
    await closeAll([ada.tab, busy.tab, away.tab, stranger.tab]);
  });
});
