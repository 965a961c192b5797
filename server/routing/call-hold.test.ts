/**
 * Hold and resume over real sockets: both sides' views, wrong states, hanging up while held,
 * and how held and transferring calls look in the supervisor feed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { closeAll, onlineAgent, placeCall } from '../session/testing/scenario.ts';
import { FeedClient, feedUrl } from '../supervisor/testing/feed-client.ts';
import {
  connectedCall,
  expectError,
  expectOk,
  waitForIncoming,
  waitForLatestOutgoing,
} from './testing/transfer-scenario.ts';

let server: TestServer;
let boss: TestUser;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 10, endedCallLingerMs: 2_000 });
  boss = await server.createUser('boss@hold.test', { role: 'supervisor', name: 'Boss' });
});
after(() => server.close());

describe('hold', { concurrency: true }, () => {
  test('hold and resume show on the agent’s and the caller’s views; a second hold or resume is refused', async () => {
    const carol = await onlineAgent(server, 'carol@hold.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@hold.test', 'Ada');
    const callId = await connectedCall(carol, ada);
    assert.equal(ada.tab.call(callId)?.held, false);

    const before = Date.now();
    await expectOk(ada.tab, { type: 'call.hold', callId });
    const held = await waitForIncoming(ada.tab, callId, (call) => call.held === true, 'held');
    assert.equal(held.status, 'connected');
    assert.ok(held.heldAt! >= before && held.heldAt! <= Date.now());
    const callerView = await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === true,
      'held',
    );
    assert.equal(callerView.heldAt, held.heldAt);
    assert.equal(callerView.status, 'connected');
    await expectError(ada.tab, { type: 'call.hold', callId }, 'wrong-state', /already on hold/);
    assert.equal(ada.tab.call(callId)?.heldAt, held.heldAt, 'the hold timer keeps its start');

    await expectOk(ada.tab, { type: 'call.resume', callId });
    const resumed = await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.held === false,
      'resumed',
    );
    assert.equal(resumed.heldAt, null);
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === false && call.heldAt === null,
      'resumed',
    );
    await expectError(ada.tab, { type: 'call.resume', callId }, 'wrong-state', /not on hold/);
    await closeAll([carol.tab, ada.tab]);
  });

  test('only the connected agent holds: callers, ringing legs, ended calls and unknown ids are refused', async () => {
    const carol = await onlineAgent(server, 'carol@hold-bad.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@hold-bad.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@hold-bad.test', 'Bob');
    const stranger = await onlineAgent(server, 'stranger@hold-bad.test', 'Stranger', {
      tenant: server.otherTenant,
    });
    const strangerCall = await placeCall(server, stranger.address, {
      apiKey: server.otherTenant.apiKey,
    });
    const callId = await connectedCall(carol, ada);
    const ringing = await placeCall(server, bob.address);
    await bob.tab.waitForCall(ringing.id, 'ringing');

    await expectError(
      carol.tab,
      { type: 'call.hold', callId },
      'wrong-state',
      /only the agent connected/,
    );
    await expectError(
      bob.tab,
      { type: 'call.hold', callId: ringing.id },
      'wrong-state',
      /only the agent connected/,
    );
    await expectError(
      ada.tab,
      { type: 'call.hold', callId: 'no-such-call' },
      'not-found',
      /not in this session's list/,
    );
    await expectError(
      ada.tab,
      { type: 'call.hold', callId: strangerCall.id },
      'not-found',
      /not in this session's list/,
    );
    await expectError(
      ada.tab,
      { type: 'call.resume', callId: ringing.id },
      'not-found',
      /not in this session's list/,
    );
    await expectError(
      ada.tab,
      { type: 'call.hold', callId, extra: 1 },
      'bad-message',
      /unknown property "extra"/,
    );
    await expectError(ada.tab, { type: 'call.hold' }, 'bad-message', /"callId"/);
    await expectOk(ada.tab, { type: 'call.hangup', callId });
    await expectError(ada.tab, { type: 'call.hold', callId }, 'wrong-state', /has already ended/);
    assert.equal(bob.tab.call(ringing.id)?.status, 'ringing');
    await closeAll([carol.tab, ada.tab, bob.tab, stranger.tab]);
  });

  test('hanging up while held ends the call for both, from either side', async () => {
    const carol = await onlineAgent(server, 'carol@hold-hangup.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@hold-hangup.test', 'Ada');
    for (const side of ['caller', 'agent'] as const) {
      const callId = await connectedCall(carol, ada);
      await expectOk(ada.tab, { type: 'call.hold', callId });
      await waitForLatestOutgoing(carol.tab, callId, (call) => call.held === true, 'held');
      await expectOk(side === 'caller' ? carol.tab : ada.tab, { type: 'call.hangup', callId });
      await ada.tab.waitForCall(callId, 'disconnected', 'hangup');
      await waitForLatestOutgoing(
        carol.tab,
        callId,
        (call) => call.endReason === 'hangup',
        'ended',
      );
      await ada.tab.waitForPresence('available');
    }
    await closeAll([carol.tab, ada.tab]);
  });

  test('the supervisor feed shows held calls as held and transfers in progress as transferring', async () => {
    const carol = await onlineAgent(server, 'carol@hold-feed.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@hold-feed.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@hold-feed.test', 'Bob');
    const feed = await FeedClient.connect(feedUrl(server.url, boss.token));
    const callId = await connectedCall(carol, ada);
    const status = (expected: string) =>
      feed.waitUntil(() => feed.calls.get(callId)?.status === expected, `feed: ${expected}`);
    await status('connected');
    await expectOk(ada.tab, { type: 'call.hold', callId });
    await status('held');
    await expectOk(ada.tab, { type: 'call.resume', callId });
    await status('connected');
    await expectOk(ada.tab, { type: 'call.transfer', callId, to: bob.address, mode: 'warm' });
    await status('transferring');
    await expectOk(ada.tab, { type: 'call.transfer.cancel', callId });
    await status('connected');
    await expectOk(ada.tab, { type: 'call.transfer', callId, to: bob.address, mode: 'blind' });
    await status('transferring');
    await bob.tab.waitForCall(callId, 'ringing');
    await expectOk(bob.tab, { type: 'call.accept', callId });
    await status('connected');
    assert.equal(feed.calls.get(callId)?.answeredBy?.id, bob.user.id);
    feed.socket.close();
    await closeAll([carol.tab, ada.tab, bob.tab]);
  });
});
