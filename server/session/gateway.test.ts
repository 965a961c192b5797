/**
 * The session WebSocket itself: authentication, hello, heartbeats and dead sockets, reconnects,
 * and a table of bad frames that must each get an error and change nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { TokenService } from '../auth/tokens.ts';
import { AgentClient } from './testing/agent-client.ts';
import {
  closeAll,
  getCall,
  onlineAgent,
  openTab,
  placeCall,
  waitForCallState,
} from './testing/scenario.ts';

let server: TestServer;
before(async () => {
  // Ended legs linger long enough for the bad-frame table to find them still in the list.
  server = await startTestServer({
    heartbeatSeconds: 1,
    endedCallLingerMs: 10_000,
    ringTimeoutSeconds: 30,
  });
});
after(() => server.close());

describe('session gateway', { concurrency: true }, () => {
  test('refuses missing, invalid and expired tokens with close code 4401 and the reason', async () => {
    const ada = await server.createAgent('auth@g.test');
    const expired = await new TokenService(server.config.jwtSecret!, -60).issue({
      tenantId: ada.user.tenantId,
      userId: ada.user.id,
      role: 'agent',
    });
    const forged = await new TokenService('some-other-secret', 60).issue({
      tenantId: ada.user.tenantId,
      userId: ada.user.id,
      role: 'agent',
    });
    const cases: [string, string, RegExp][] = [
      ['no token', server.wsUrl, /missing token/],
      ['garbage', server.sessionUrl('not-a-jwt'), /invalid token/],
      ['forged', server.sessionUrl(forged.token), /invalid token/],
      ['expired', server.sessionUrl(expired.token), /token expired/],
      ['api key', server.sessionUrl(server.apiKey), /invalid token/],
    ];
    for (const [name, url, reason] of cases) {
      const client = await AgentClient.connect(url);
      const closed = await client.waitForClose();
      assert.equal(closed.code, 4401, name);
      assert.match(closed.reason, reason, name);
      assert.equal(client.hello, undefined, `${name}: no hello`);
    }
    const viaHeader = await AgentClient.connect(server.wsUrl, {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    assert.equal(viaHeader.hello.user.id, ada.user.id);
    await viaHeader.close();
  });

  test('says hello with who the user is, sends the list, and answers ping with pong', async () => {
    const ada = await server.createUser('hello@g.test', { name: 'Hello Ada', role: 'supervisor' });
    const tab = await AgentClient.connect(server.sessionUrl(ada.token));
    assert.deepEqual(
      { ...tab.hello, sessionId: typeof tab.hello.sessionId },
      {
        type: 'hello',
        sessionId: 'string',
        // A fresh tab: nothing to resume (see session-resume.test.ts).
        resumed: false,
        user: {
          id: ada.user.id,
          name: 'Hello Ada',
          reference: 'hello@g.test',
          role: 'supervisor',
          tenant: { id: server.tenant.id, name: server.tenant.name },
        },
        addresses: ['/private/hello'],
        presence: 'offline',
        online: false,
        heartbeatSeconds: 1,
      },
    );
    await tab.waitUntil(
      () => tab.frames.find((frame) => frame.type === 'incoming_calls'),
      'the first list',
    );
    const pong = await tab.request({ type: 'ping' });
    assert.equal(pong.type, 'pong');
    const registered = await tab.online();
    assert.deepEqual(
      { ...registered, requestId: undefined },
      {
        type: 'registered',
        requestId: undefined,
        addresses: ['/private/hello'],
        presence: 'available',
      },
    );
    await tab.close();
  });

  test('once online, the tab is told every address it answers for, its groups included', async () => {
    const ada = await server.createAgent('groups@g.test');
    await server.tenant.createRingGroup('billing', [ada.user.id]);
    await server.tenant.createRingGroup('sales-desk', [ada.user.id]);
    const tab = await openTab(server, ada);
    const addresses = await tab.waitUntil(
      () =>
        tab.frames.find(
          (frame) => frame.type === 'registered' && !frame.requestId && frame.addresses.length > 1,
        ),
      'the group addresses',
    );
    assert.deepEqual(addresses.type === 'registered' && [...addresses.addresses].sort(), [
      '/group/billing',
      '/group/sales-desk',
      '/private/groups',
    ]);
    await tab.close();
  });

  test('every bad frame gets an error naming the problem, and nothing changes', async () => {
    const ada = await onlineAgent(server, 'bad@g.test');
    const notOnline = await openTab(server, ada, { online: false });
    const call = await placeCall(server, ada.address);
    await ada.tab.waitForCall(call.id, 'ringing');
    const ended = await placeCall(server, ada.address);
    await ada.tab.waitForCall(ended.id, 'ringing');
    await ada.tab.request({ type: 'call.reject', callId: ended.id });
    const framesBefore = notOnline.frames.length;

    const table: [string, unknown, string, RegExp][] = [
      ['not JSON', '{"type":', 'bad-message', /not valid JSON/],
      ['an array', '[]', 'bad-message', /JSON object/],
      ['no type', '{}', 'bad-message', /no "type"/],
      [
        'unknown type',
        { type: 'call.transfer-to-mars' },
        'bad-message',
        /unknown message type "call.transfer-to-mars"/,
      ],
      [
        'missing callId',
        { type: 'call.accept' },
        'bad-message',
        /missing required property "callId"/,
      ],
      [
        'callId not a string',
        { type: 'call.accept', callId: 5 },
        'bad-message',
        /\/callId must be string/,
      ],
      [
        'unknown property',
        { type: 'call.reject', callId: call.id, force: true },
        'bad-message',
        /unknown property "force"/,
      ],
      [
        'presence busy is not selectable',
        { type: 'presence.set', presence: 'busy' },
        'bad-message',
        /\/presence/,
      ],
      ['empty dial address', { type: 'call.dial', to: '' }, 'bad-message', /\/to/],
      [
        'non-string dial params',
        { type: 'call.dial', to: ada.address, params: { n: 1 } },
        'bad-message',
        /\/params\/n/,
      ],
      [
        'requestId too long',
        { type: 'ping', requestId: 'x'.repeat(65) },
        'bad-message',
        /\/requestId/,
      ],
      [
        'unknown call id',
        { type: 'call.accept', callId: 'no-such-call' },
        'not-found',
        /no-such-call is not in this session's list/,
      ],
      [
        'unknown call id to reject',
        { type: 'call.reject', callId: 'no-such-call' },
        'not-found',
        /not in this session's list/,
      ],
      [
        'unknown call id to hang up',
        { type: 'call.hangup', callId: 'no-such-call' },
        'not-found',
        /not in this session's list/,
      ],
      [
        'accepting a declined call',
        { type: 'call.accept', callId: ended.id },
        'wrong-state',
        /not ringing/,
      ],
      [
        'rejecting a declined call',
        { type: 'call.reject', callId: ended.id },
        'wrong-state',
        /not ringing/,
      ],
    ];
    for (const [name, frame, code, message] of table) {
      const start = ada.tab.frames.length;
      ada.tab.sendRaw(typeof frame === 'string' ? frame : JSON.stringify(frame));
      const error = await ada.tab.waitUntil(
        () => ada.tab.frames.slice(start).find((reply) => reply.type === 'error'),
        name,
      );
      assert.equal((error as { code: string }).code, code, name);
      assert.match((error as { message: string }).message, message, name);
    }
    const start = ada.tab.frames.length;
    ada.tab.sendRaw(Buffer.from([1, 2, 3]));
    const binaryError = await ada.tab.waitUntil(
      () => ada.tab.frames.slice(start).find((reply) => reply.type === 'error'),
      'binary',
    );
    assert.match((binaryError as { message: string }).message, /binary frames/);

    const notRingingHere = await notOnline.request({ type: 'call.accept', callId: call.id });
    assert.equal(
      (notRingingHere as { code: string }).code,
      'not-found',
      'a call never offered to this tab is unknown to it',
    );
    const presenceOffline = await notOnline.request({ type: 'presence.set', presence: 'away' });
    assert.equal((presenceOffline as { code: string }).code, 'wrong-state');
    const withId = await ada.tab.request({ type: 'call.accept', callId: 'nope' });
    assert.ok((withId as { requestId?: string }).requestId, 'errors echo the requestId');

    // Nothing changed: the call still rings, and no push went to the idle tab.
    assert.equal((await ada.tab.request({ type: 'ping' })).type, 'pong');
    assert.equal(ada.tab.call(call.id)?.status, 'ringing');
    assert.equal((await getCall(server, call.id)).status, 'ringing');
    assert.equal(
      notOnline.frames.filter(
        (frame, index) => index >= framesBefore && frame.type === 'incoming_calls',
      ).length,
      0,
    );
    await closeAll([ada.tab, notOnline]);
  });

  test('a frame over 16 kB closes the socket', async () => {
    const tab = await openTab(server, await server.createAgent('big@g.test'));
    tab.sendRaw(JSON.stringify({ type: 'call.dial', to: 'x'.repeat(17 * 1024) }));
    assert.equal((await tab.waitForClose()).code, 1009);
  });

  test('a killed socket takes the agent offline within 10 s and withdraws its ringing leg', async () => {
    const ada = await onlineAgent(server, 'killed@g.test');
    const bob = await onlineAgent(server, 'killed-bob@g.test');
    await server.tenant.createRingGroup('killed', [ada.user.id, bob.user.id], {
      ringTimeoutSeconds: 20,
    });
    const call = await placeCall(server, '/group/killed');
    await Promise.all([
      ada.tab.waitForCall(call.id, 'ringing'),
      bob.tab.waitForCall(call.id, 'ringing'),
    ]);
    const killedAt = Date.now();
    ada.tab.kill();
    const detail = await waitForCallState(
      server,
      call.id,
      (state) => state.legs.some((leg) => leg.outcome === 'withdrawn'),
      'withdrawn',
      10_000,
    );
    assert.ok(Date.now() - killedAt < 10_000);
    assert.equal(detail.legs.find((leg) => leg.userId === ada.user.id)?.outcome, 'withdrawn');
    assert.equal(server.app.services.router.presenceOf(server.tenant.id, ada.user.id), 'offline');
    assert.equal(bob.tab.call(call.id)?.status, 'ringing', 'the other member keeps ringing');
    await bob.tab.close();
  });

  test('a socket that stops answering heartbeats is terminated and the agent goes offline', async () => {
    const ada = await server.createAgent('silent@g.test');
    const silent = await AgentClient.connect(server.sessionUrl(ada.token), { autoPong: false });
    await silent.online();
    // Frames from the client also count as signs of life, so this one stays quiet.
    const closed = await silent.waitForClose(10_000);
    assert.equal(closed.code, 1006);
    await until(
      () => server.app.services.router.presenceOf(server.tenant.id, ada.user.id) === 'offline',
      'offline',
    );
  });

  test('a reconnect gets the current list at once', async () => {
    const ada = await onlineAgent(server, 'reconnect@g.test');
    await server.tenant.createRingGroup('reconnect', [ada.user.id], { ringTimeoutSeconds: 20 });
    const call = await placeCall(server, '/group/reconnect');
    await ada.tab.waitForCall(call.id, 'ringing');
    ada.tab.kill();
    await ada.tab.waitForClose();
    const again = await openTab(server, ada);
    const restored = await again.waitForCall(call.id, 'ringing');
    assert.equal(restored.from.name, 'Customer');
    await again.close();
  });

  test('offline stops this tab ringing; online again rings it', async () => {
    const ada = await onlineAgent(server, 'offline@g.test');
    await server.tenant.createRingGroup('offline', [ada.user.id], { ringTimeoutSeconds: 20 });
    const call = await placeCall(server, '/group/offline');
    await ada.tab.waitForCall(call.id, 'ringing');
    const reply = await ada.tab.request({ type: 'offline' });
    assert.deepEqual(
      { ...reply, requestId: undefined },
      { type: 'unregistered', requestId: undefined, presence: 'offline' },
    );
    await ada.tab.waitForCall(call.id, 'disconnected', 'no_answer');
    await ada.tab.online();
    await ada.tab.waitUntil(() => ada.tab.call(call.id)?.status === 'ringing', 'ringing again');
    await ada.tab.close();
  });
});

/** Polls a server-side fact that no client is told about. */
async function until(
  condition: () => boolean,
  description: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a client can also be a plain ws WebSocket using the Authorization header', async () => {
  const ada = await server.createAgent('plain@g.test');
  const socket = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${ada.token}` } });
  const first = await new Promise<{ type: string }>((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
  assert.equal(first.type, 'hello');
  socket.close();
});
