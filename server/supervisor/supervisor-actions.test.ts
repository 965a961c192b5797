/**
 * The supervisor's HTTP actions: forcing an agent away or offline and the silent-monitor token.
 * Agents are refused with 403, other tenants' ids are unknown ids (404), bad input changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { expectRefused, malformedBodies } from '../test/bad-requests.ts';
import { onlineAgent, placeCall } from '../session/testing/scenario.ts';
import { FeedClient, feedUrl } from './testing/feed-client.ts';

let server: TestServer;
let boss: TestUser;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 30 });
  boss = await server.createUser('boss@actions.test', { role: 'supervisor', name: 'Boss' });
});
after(() => server.close());

const presencePath = (userId: string) => `/api/supervisor/agents/${userId}/presence`;
const monitorPath = (callId: string) => `/api/supervisor/calls/${callId}/monitor`;

describe('supervisor actions', { concurrency: true }, () => {
  test('agents get 403, API keys and missing tokens 401, and nothing changes', async () => {
    const ada = await onlineAgent(server, 'ada-403@actions.test', 'Ada');
    const cases: [string, string | undefined, number, RegExp][] = [
      ['agent', ada.token, 403, /requires role supervisor or admin/],
      ['api key', server.apiKey, 401, /user token is required/],
      ['no credentials', undefined, 401, /missing Authorization/],
    ];
    for (const [name, token, status, message] of cases) {
      for (const [path, body] of [
        [presencePath(ada.user.id), { presence: 'away' }],
        [monitorPath('some-call'), undefined],
      ] as const) {
        const response = await requestJson(server.url, 'POST', path, { token, body });
        assert.equal(response.status, status, `${name} ${path}`);
        assert.match(response.body.message, message, `${name} ${path}`);
      }
    }
    assert.equal(ada.tab.presence, 'available');
    await ada.tab.close();
  });

  test('force away withdraws the agent from ringing and shows in its tab and the feed; offline takes it off', async () => {
    const ada = await onlineAgent(server, 'ada-force@actions.test', 'Ada Force');
    await server.tenant.createRingGroup('forced', [ada.user.id]);
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    const call = await placeCall(server, '/group/forced');
    await ada.tab.waitForRinging();
    const away = await requestJson(server.url, 'POST', presencePath(ada.user.id), {
      token: boss.token,
      body: { presence: 'away' },
    });
    assert.deepEqual(
      { status: away.status, body: away.body },
      {
        status: 200,
        body: { userId: ada.user.id, presence: 'away' },
      },
    );
    await ada.tab.waitForPresence('away');
    await ada.tab.waitForCall(call.id, 'disconnected');
    await feed.waitUntil(
      () => feed.calls.get(call.id)?.status === 'queued',
      'the call back in the queue',
    );
    await feed.waitUntil(
      () => feed.agents.get(ada.user.id)?.presence === 'away',
      'away in the feed',
    );
    assert.ok(feed.agents.get(ada.user.id)!.presenceSince! <= Date.now());

    const offline = await requestJson(server.url, 'POST', presencePath(ada.user.id), {
      token: boss.token,
      body: { presence: 'offline' },
    });
    assert.equal(offline.body.presence, 'offline');
    await ada.tab.waitForPresence('offline');
    await feed.waitUntil(
      () => feed.agents.get(ada.user.id)?.presence === 'offline',
      'offline in the feed',
    );
    const hangup = await requestJson(server.url, 'POST', `/api/calls/${call.id}/hangup`, {
      token: server.apiKey,
    });
    assert.equal(hangup.status, 200);
    await Promise.all([feed.close(), ada.tab.close()]);
  });

  test("another tenant's user and call ids are not found; a user without a session is 409", async () => {
    const eve = await onlineAgent(server, 'eve@other.test', 'Eve', { tenant: server.otherTenant });
    await server.otherTenant.createRingGroup('other-line', [eve.user.id]);
    const theirCall = await placeCall(server, '/group/other-line', {
      apiKey: server.otherTenant.apiKey,
    });
    await eve.tab.waitForRinging();
    const offlineUser = await server.createAgent('nobody-online@actions.test');
    const cases: [string, string, unknown, number, RegExp][] = [
      ['other user', presencePath(eve.user.id), { presence: 'away' }, 404, /not found/],
      ['unknown user', presencePath('no-such-user'), { presence: 'away' }, 404, /not found/],
      ['other call', monitorPath(theirCall.id), undefined, 404, /not found/],
      ['unknown call', monitorPath('no-such-call'), undefined, 404, /not found/],
      ['not online', presencePath(offlineUser.user.id), { presence: 'away' }, 409, /not online/],
    ];
    for (const [name, path, body, status, message] of cases) {
      const response = await requestJson(server.url, 'POST', path, { token: boss.token, body });
      assert.equal(response.status, status, name);
      assert.match(response.body.message, message, name);
    }
    assert.equal(eve.tab.presence, 'available', "the other tenant's agent was not touched");
    assert.equal(eve.tab.call(theirCall.id)?.status, 'ringing');
    await eve.tab.close();
  });

  test('bad force-presence bodies are refused and change nothing', async () => {
    const ada = await onlineAgent(server, 'ada-bad@actions.test', 'Ada Bad');
    const path = presencePath(ada.user.id);
    await expectRefused(
      server,
      [
        ...malformedBodies('POST', path, { presence: 'away' }),
        {
          label: 'available is not forced',
          method: 'POST',
          path,
          body: { presence: 'available' },
          status: 400,
          message: /presence/,
        },
        {
          label: 'busy is derived',
          method: 'POST',
          path,
          body: { presence: 'busy' },
          status: 400,
          message: /presence/,
        },
        {
          label: 'presence missing',
          method: 'POST',
          path,
          body: {},
          status: 400,
          message: /presence/,
        },
        {
          label: 'presence a number',
          method: 'POST',
          path,
          body: { presence: 1 },
          status: 400,
          message: /presence/,
        },
        {
          label: 'user id too long',
          method: 'POST',
          path: presencePath('x'.repeat(65)),
          body: { presence: 'away' },
          status: 400,
          message: /userId/,
        },
      ],
      { token: boss.token, snapshot: async () => ada.tab.presence },
    );
    await ada.tab.close();
  });

  test('monitor gives a hidden, subscribe-only token for a connected call, and 409 before it connects', async () => {
    const ada = await onlineAgent(server, 'ada-monitor@actions.test', 'Ada Monitor');
    await server.tenant.createRingGroup('monitored', [ada.user.id]);
    const call = await placeCall(server, '/group/monitored');
    await ada.tab.waitForRinging();
    const early = await requestJson(server.url, 'POST', monitorPath(call.id), {
      token: boss.token,
    });
    assert.equal(early.status, 409);
    assert.match(early.body.message, /not connected/);

    await ada.tab.request({ type: 'call.accept', callId: call.id });
    await ada.tab.waitForCall(call.id, 'connected');
    const response = await requestJson(server.url, 'POST', monitorPath(call.id), {
      token: boss.token,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { url, room, token, identity } = response.body;
    assert.equal(room, `t_${server.tenant.id}_call_${call.id}`);
    assert.match(url, /^wss?:\/\//);
    assert.match(identity, new RegExp(`^monitor:${boss.user.id}:`));
    const claims = decodeJwt(token) as {
      sub?: string;
      name?: string;
      video?: Record<string, unknown>;
    };
    assert.equal(claims.sub, identity);
    assert.equal(claims.name, 'Boss');
    assert.deepEqual(claims.video, {
      roomJoin: true,
      room,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
      hidden: true,
      canUpdateOwnMetadata: false,
    });
    assert.equal(response.body.mode, 'monitor');
    assert.match(response.body.agentIdentity, new RegExp(`^agent:${ada.user.id}:`));
    await ada.tab.request({ type: 'call.hangup', callId: call.id });
    await ada.tab.close();
  });

  test('whisper and barge give a visible token that may publish a microphone only', async () => {
    const ada = await onlineAgent(server, 'ada-whisper@actions.test', 'Ada Whisper');
    await server.tenant.createRingGroup('whispered', [ada.user.id]);
    const call = await placeCall(server, '/group/whispered');
    await ada.tab.waitForRinging();
    const early = await requestJson(server.url, 'POST', monitorPath(call.id), {
      token: boss.token,
      body: { mode: 'whisper' },
    });
    assert.equal(early.status, 409);
    assert.match(early.body.message, /not connected/);
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    await ada.tab.waitForCall(call.id, 'connected');
    const media = await ada.tab.waitUntil(
      () =>
        ada.tab.frames.find(
          (frame): frame is Extract<typeof frame, { type: 'call_media' }> =>
            frame.type === 'call_media' && frame.callId === call.id,
        ),
      'call_media for the agent',
    );

    for (const mode of ['whisper', 'barge'] as const) {
      const response = await requestJson(server.url, 'POST', monitorPath(call.id), {
        token: boss.token,
        body: { mode },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const { room, token, identity, agentIdentity } = response.body;
      assert.equal(response.body.mode, mode);
      assert.match(identity, new RegExp(`^supervisor:${boss.user.id}:`));
      // The one identity a whisper lets subscribe is the agent's own in the call's room.
      assert.equal(agentIdentity, media.identity);
      const claims = decodeJwt(token) as { sub?: string; video?: Record<string, unknown> };
      assert.equal(claims.sub, identity);
      assert.deepEqual(claims.video, {
        roomJoin: true,
        room,
        canSubscribe: true,
        canPublish: true,
        canPublishSources: ['microphone'],
        canPublishData: false,
        hidden: false,
        canUpdateOwnMetadata: false,
      });
    }

    const path = monitorPath(call.id);
    await expectRefused(
      server,
      [
        {
          label: 'unknown mode',
          method: 'POST',
          path,
          body: { mode: 'shout' },
          status: 400,
          message: /mode/,
        },
        {
          label: 'unknown property',
          method: 'POST',
          path,
          body: { mode: 'whisper', loud: true },
          status: 400,
          message: /unknown property/,
        },
        {
          label: 'mode a number',
          method: 'POST',
          path,
          body: { mode: 1 },
          status: 400,
          message: /mode/,
        },
      ],
      { token: boss.token, snapshot: async () => ada.tab.call(call.id)?.status },
    );
    await ada.tab.request({ type: 'call.hangup', callId: call.id });
    await ada.tab.close();
  });
});
