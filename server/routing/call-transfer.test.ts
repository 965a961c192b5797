/**
 * Blind transfers over real sockets: the caller holds in the same call and room while the
 * destination rings, the destination takes over, and every way nobody takes it (declined, timed
 * out, nobody there, the agent gone) ends with the caller somewhere, never stranded. Wrong
 * commands change nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../test/harness.ts';
import {
  closeAll,
  getCall,
  onlineAgent,
  placeCall,
  waitForCallState,
} from '../session/testing/scenario.ts';
import {
  connectedCall,
  expectError,
  expectOk,
  mediaFrames,
  pause,
  sendWebhook,
  waitForIncoming,
  waitForLatestOutgoing,
  waitForMedia,
} from './testing/transfer-scenario.ts';

const LEAVE_GRACE_MS = 500;

let server: TestServer;
before(async () => {
  // A private destination (and the ring-back) rings for RING_TIMEOUT_SECONDS.
  server = await startTestServer({
    ringTimeoutSeconds: 2,
    endedCallLingerMs: 1_000,
    mediaLeaveGraceMs: LEAVE_GRACE_MS,
  });
});
after(() => server.close());

async function roomNames(): Promise<string[]> {
  const { serverUrl, apiKey, apiSecret } = server.app.services.media.backend;
  return (await new RoomServiceClient(serverUrl, apiKey, apiSecret).listRooms()).map(
    (room) => room.name,
  );
}

const ref = (agent: { user: { id: string; displayName: string } }) => ({
  id: agent.user.id,
  name: agent.user.displayName,
});

describe('blind transfer', { concurrency: true }, () => {
  test('to an agent: the caller holds in the same room, the destination takes it over with the same room, the agent leaves free', async () => {
    const carol = await onlineAgent(server, 'carol@blind.test', 'Carol Caller', { online: false });
    const ada = await onlineAgent(server, 'ada@blind.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind.test', 'Bob');
    const callId = await connectedCall(carol, ada);
    const [adaMedia, carolMedia] = await Promise.all([
      waitForMedia(ada.tab, callId),
      waitForMedia(carol.tab, callId),
    ]);
    for (const [media, sid] of [
      [carolMedia, 'PA_carol'],
      [adaMedia, 'PA_ada'],
    ] as const)
      await sendWebhook(server, 'participant_joined', media.room, {
        identity: media.identity,
        sid,
      });
    await ada.tab.waitForPresence('busy');

    await expectOk(ada.tab, { type: 'call.transfer', callId, to: bob.address, mode: 'blind' });
    const left = await ada.tab.waitForCall(callId, 'disconnected', 'transferred');
    assert.equal(left.transfer ?? null, null);
    await ada.tab.waitForPresence('available');
    const held = await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === true,
      'held',
    );
    assert.equal(held.status, 'connected', 'the caller stays in the call');
    assert.equal(typeof held.heldAt, 'number');
    assert.equal(held.answeredBy, null);
    const ringing = await bob.tab.waitForCall(callId, 'ringing');
    assert.deepEqual(ringing.transferredBy, ref(ada));
    assert.deepEqual(ringing.params, { ticket: '4711' }, 'dial params survive the transfer');
    assert.deepEqual(ringing.from, { name: 'Carol Caller', address: carol.address });

    // The agent who left drops out of the room: that does not end the caller's call.
    await sendWebhook(server, 'participant_left', adaMedia.room, {
      identity: adaMedia.identity,
      sid: 'PA_ada',
    });
    await pause(LEAVE_GRACE_MS + 300);
    assert.equal(bob.tab.call(callId)?.status, 'ringing');
    assert.ok((await roomNames()).includes(carolMedia.room), 'the room lives on');

    await expectOk(bob.tab, { type: 'call.accept', callId });
    const connected = await bob.tab.waitForCall(callId, 'connected');
    assert.deepEqual(connected.transferredBy, ref(ada));
    assert.equal(connected.held, false);
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === false && call.answeredBy?.id === bob.user.id,
      'off hold with Bob',
    );
    const bobMedia = await waitForMedia(bob.tab, callId);
    assert.equal(bobMedia.room, carolMedia.room, 'the destination joins the same room');
    assert.equal(bobMedia.identity, `agent:${bob.user.id}:${bob.tab.hello.sessionId}`);
    assert.equal(mediaFrames(carol.tab, callId).length, 1, 'the caller keeps its room and token');
    assert.equal(mediaFrames(ada.tab, callId).length, 1);
    await bob.tab.waitForPresence('busy');

    await expectOk(carol.tab, { type: 'call.hangup', callId });
    await bob.tab.waitForCall(callId, 'disconnected', 'hangup');
    await bob.tab.waitForPresence('available');
    const record = await server.app.services.records.find(server.tenant.id, callId);
    assert.deepEqual(record?.answeredBy, ref(bob), 'the record names the final agent');
    assert.equal(record?.endReason, 'hangup');
    assert.deepEqual(
      record?.legs.map((leg) => [leg.userId, leg.outcome]),
      [
        [ada.user.id, 'transferred'],
        [bob.user.id, 'answered'],
      ],
    );
    await closeAll([carol.tab, ada.tab, bob.tab]);
  });

  test('to a group: its available members ring (not the agent), one accepts and the others see answered_elsewhere', async () => {
    const ada = await onlineAgent(server, 'ada@blind-group.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind-group.test', 'Bob');
    const dan = await onlineAgent(server, 'dan@blind-group.test', 'Dan');
    await server.tenant.createRingGroup('blind-team', [ada.user.id, bob.user.id, dan.user.id], {
      ringTimeoutSeconds: 10,
    });
    const call = await placeCall(server, ada.address, { params: { order: '9' } });
    await ada.tab.waitForCall(call.id, 'ringing');
    await expectOk(ada.tab, { type: 'call.accept', callId: call.id });

    await expectOk(ada.tab, {
      type: 'call.transfer',
      callId: call.id,
      to: '/group/blind-team',
      mode: 'blind',
    });
    for (const member of [bob, dan]) {
      const view = await member.tab.waitForCall(call.id, 'ringing');
      assert.deepEqual(view.transferredBy, ref(ada));
      assert.deepEqual(view.params, { order: '9' });
    }
    assert.equal(ada.tab.call(call.id)?.status, 'disconnected', 'the agent is not rung');
    await expectOk(dan.tab, { type: 'call.accept', callId: call.id });
    const elsewhere = await bob.tab.waitForCall(call.id, 'disconnected', 'answered_elsewhere');
    assert.deepEqual(elsewhere.answeredBy, ref(dan));
    const detail = await getCall(server, call.id);
    assert.equal(detail.status, 'connected');
    assert.deepEqual(detail.answeredBy, ref(dan));
    assert.deepEqual(
      detail.legs.map((leg) => `${leg.userId} ${leg.outcome}`).sort(),
      [
        `${ada.user.id} transferred`,
        `${bob.user.id} answered_elsewhere`,
        `${dan.user.id} answered`,
      ].sort(),
    );
    await closeAll([ada.tab, bob.tab, dan.tab]);
  });

  test('declined by the destination: the call rings the agent again, who takes the caller back in the same room', async () => {
    const carol = await onlineAgent(server, 'carol@blind-decline.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@blind-decline.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind-decline.test', 'Bob');
    const callId = await connectedCall(carol, ada);
    const carolMedia = await waitForMedia(carol.tab, callId);
    await waitForMedia(ada.tab, callId);

    await expectOk(ada.tab, { type: 'call.transfer', callId, to: bob.address, mode: 'blind' });
    await bob.tab.waitForCall(callId, 'ringing');
    await expectOk(bob.tab, { type: 'call.reject', callId });

    const back = await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.status === 'ringing',
      'rung again',
    );
    assert.equal(back.transferredBy, null);
    assert.deepEqual(back.transfer, {
      mode: 'blind',
      to: { name: 'Bob', address: bob.address },
      status: 'failed',
      consultationCallId: null,
    });
    assert.equal(carol.tab.outgoing.get(callId)?.held, true, 'still on hold meanwhile');
    await expectOk(ada.tab, { type: 'call.accept', callId });
    const again = await ada.tab.waitForCall(callId, 'connected');
    assert.equal(again.transfer, null);
    await waitForLatestOutgoing(carol.tab, callId, (call) => call.held === false, 'off hold');
    const adaMedia = await waitForMedia(ada.tab, callId, 2);
    assert.equal(adaMedia.room, carolMedia.room);
    await closeAll([carol.tab, ada.tab, bob.tab]);
  });

  test('nobody answers, not even the agent rung back: a call without a group ends no_answer', async () => {
    const carol = await onlineAgent(server, 'carol@blind-timeout.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@blind-timeout.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind-timeout.test', 'Bob');
    const callId = await connectedCall(carol, ada);
    const { room } = await waitForMedia(carol.tab, callId);

    await expectOk(ada.tab, { type: 'call.transfer', callId, to: bob.address, mode: 'blind' });
    await bob.tab.waitForCall(callId, 'ringing');
    await bob.tab.waitForCall(callId, 'disconnected', 'no_answer', 4_000);
    await waitForIncoming(ada.tab, callId, (call) => call.status === 'ringing', 'rung back');
    await ada.tab.waitForCall(callId, 'disconnected', 'no_answer', 4_000);
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.status === 'disconnected' && call.endReason === 'no_answer',
      'ended no_answer',
    );
    const record = await server.app.services.records.find(server.tenant.id, callId);
    assert.deepEqual(
      record?.legs.map((leg) => [leg.userId, leg.outcome]),
      [
        [ada.user.id, 'transferred'],
        [bob.user.id, 'missed'],
        [ada.user.id, 'missed'],
      ],
    );
    const deadline = Date.now() + 5_000;
    while ((await roomNames()).includes(room)) {
      assert.ok(Date.now() < deadline, 'the room closes with the call');
      await pause(25);
    }
    await closeAll([carol.tab, ada.tab, bob.tab]);
  });

  test('the agent is gone when the destination declines: the call goes back to the front of its group queue', async () => {
    const ada = await onlineAgent(server, 'ada@blind-gone.test', 'Ada');
    const eve = await onlineAgent(server, 'eve@blind-gone.test', 'Eve');
    const bob = await onlineAgent(server, 'bob@blind-gone.test', 'Bob');
    await eve.tab.request({ type: 'presence.set', presence: 'away' });
    await server.tenant.createRingGroup('blind-gone', [ada.user.id, eve.user.id], {
      ringTimeoutSeconds: 10,
    });
    const call = await placeCall(server, '/group/blind-gone');
    await ada.tab.waitForCall(call.id, 'ringing');
    await expectOk(ada.tab, { type: 'call.accept', callId: call.id });
    await expectOk(ada.tab, {
      type: 'call.transfer',
      callId: call.id,
      to: bob.address,
      mode: 'blind',
    });
    await bob.tab.waitForCall(call.id, 'ringing');
    await ada.tab.close();
    await expectOk(bob.tab, { type: 'call.reject', callId: call.id });

    await waitForCallState(
      server,
      call.id,
      (state) => state.legs.at(-1)?.outcome === 'rejected',
      'declined',
    );
    await pause(200);
    assert.equal((await getCall(server, call.id)).status, 'connected', 'the caller is still there');
    await eve.tab.request({ type: 'presence.set', presence: 'available' });
    const offered = await eve.tab.waitForCall(call.id, 'ringing');
    assert.equal(offered.transferredBy, null);
    await expectOk(eve.tab, { type: 'call.accept', callId: call.id });
    const detail = await getCall(server, call.id);
    assert.deepEqual(detail.answeredBy, ref(eve));
    assert.deepEqual(
      detail.legs.map((leg) => [leg.userId, leg.outcome]),
      [
        [ada.user.id, 'transferred'],
        [bob.user.id, 'rejected'],
        [eve.user.id, 'answered'],
      ],
    );
    await closeAll([eve.tab, bob.tab]);
  });

  test('nobody available at the destination (offline user, empty group): the agent is rung back at once', async () => {
    const ada = await onlineAgent(server, 'ada@blind-nobody.test', 'Ada');
    const frank = await server.createAgent('frank@blind-nobody.test', 'Frank');
    await server.tenant.createRingGroup('blind-nobody', [frank.user.id]);
    for (const to of [frank.address, '/group/blind-nobody']) {
      const call = await placeCall(server, ada.address);
      await ada.tab.waitForCall(call.id, 'ringing');
      await expectOk(ada.tab, { type: 'call.accept', callId: call.id });
      await expectOk(ada.tab, { type: 'call.transfer', callId: call.id, to, mode: 'blind' });
      // In the same push: the connected leg is replaced by the ring-back (a higher attempt).
      const back = await waitForIncoming(
        ada.tab,
        call.id,
        (view) => view.status === 'ringing' && view.attempt === 2,
        `rung back after ${to}`,
      );
      assert.equal(back.transfer?.status, 'failed');
      assert.equal(back.transferredBy, null);
      assert.deepEqual(
        (await getCall(server, call.id)).legs.map((leg) => leg.outcome),
        ['transferred', 'ringing'],
      );
      await expectOk(ada.tab, { type: 'call.accept', callId: call.id });
      await ada.tab.waitForCall(call.id, 'connected');
      await expectOk(ada.tab, { type: 'call.hangup', callId: call.id });
      await ada.tab.waitForPresence('available');
    }
    await ada.tab.close();
  });

  test('the caller hangs up while the destination rings: its legs end caller_cancelled and the room closes', async () => {
    const carol = await onlineAgent(server, 'carol@blind-hangup.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@blind-hangup.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind-hangup.test', 'Bob');
    const callId = await connectedCall(carol, ada);
    const { room } = await waitForMedia(carol.tab, callId);
    await expectOk(ada.tab, { type: 'call.transfer', callId, to: bob.address, mode: 'blind' });
    await bob.tab.waitForCall(callId, 'ringing');
    await expectOk(carol.tab, { type: 'call.hangup', callId });
    await bob.tab.waitForCall(callId, 'disconnected', 'caller_cancelled');
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.status === 'disconnected',
      'ended',
    );
    const deadline = Date.now() + 5_000;
    while ((await roomNames()).includes(room)) {
      assert.ok(Date.now() < deadline, 'the room closes with the call');
      await pause(25);
    }
    await closeAll([carol.tab, ada.tab, bob.tab]);
  });

  test('a call without a caller tab whose room closes between agents goes on; the destination gets the room again', async () => {
    const ada = await onlineAgent(server, 'ada@blind-api.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind-api.test', 'Bob');
    const call = await placeCall(server, ada.address);
    await ada.tab.waitForCall(call.id, 'ringing');
    await expectOk(ada.tab, { type: 'call.accept', callId: call.id });
    const { room } = await waitForMedia(ada.tab, call.id);
    await expectOk(ada.tab, {
      type: 'call.transfer',
      callId: call.id,
      to: bob.address,
      mode: 'blind',
    });
    await bob.tab.waitForCall(call.id, 'ringing');
    // Nobody is left in the room (LiveKit's departure timeout): that is no reason to end the call.
    await sendWebhook(server, 'room_finished', room);
    await pause(300);
    assert.equal(bob.tab.call(call.id)?.status, 'ringing');
    await expectOk(bob.tab, { type: 'call.accept', callId: call.id });
    const bobMedia = await waitForMedia(bob.tab, call.id);
    assert.equal(bobMedia.room, room);
    assert.ok((await roomNames()).includes(room));
    assert.equal((await getCall(server, call.id)).status, 'connected');
    await closeAll([ada.tab, bob.tab]);
  });

  test('wrong commands are refused and change nothing', async () => {
    const carol = await onlineAgent(server, 'carol@blind-bad.test', 'Carol', { online: false });
    const ada = await onlineAgent(server, 'ada@blind-bad.test', 'Ada');
    const bob = await onlineAgent(server, 'bob@blind-bad.test', 'Bob');
    const stranger = await onlineAgent(server, 'stranger@blind-bad.test', 'Stranger', {
      tenant: server.otherTenant,
    });
    const strangerCall = await placeCall(server, stranger.address, {
      apiKey: server.otherTenant.apiKey,
    });
    await stranger.tab.waitForCall(strangerCall.id, 'ringing');
    const callId = await connectedCall(carol, ada);
    const ringingCall = await placeCall(server, bob.address);
    await bob.tab.waitForCall(ringingCall.id, 'ringing');
    const transfer = (id: string, to: string, mode = 'blind') => ({
      type: 'call.transfer',
      callId: id,
      to,
      mode,
    });

    await expectError(
      ada.tab,
      transfer('no-such-call', bob.address),
      'not-found',
      /not in this session's list/,
    );
    await expectError(
      ada.tab,
      transfer(strangerCall.id, bob.address),
      'not-found',
      /not in this session's list/,
    );
    await expectError(
      ada.tab,
      transfer(ringingCall.id, carol.address),
      'not-found',
      /not in this session's list/,
    );
    await expectError(
      bob.tab,
      transfer(ringingCall.id, ada.address),
      'wrong-state',
      /only the agent connected/,
    );
    await expectError(
      carol.tab,
      transfer(callId, bob.address),
      'wrong-state',
      /only the agent connected/,
    );
    await expectError(ada.tab, transfer(callId, 'bob'), 'bad-message', /\/private\/<username>/);
    await expectError(ada.tab, transfer(callId, '/private/nobody-here'), 'not-found', /nobody at/);
    await expectError(ada.tab, transfer(callId, stranger.address), 'not-found', /nobody at/);
    await expectError(ada.tab, transfer(callId, ada.address), 'bad-message', /to yourself/);
    await expectError(ada.tab, transfer(callId, bob.address, 'sideways'), 'bad-message', /\/mode/);
    await expectError(ada.tab, { type: 'call.transfer', callId }, 'bad-message', /"to"/);
    await expectError(
      ada.tab,
      { type: 'call.transfer.complete', callId },
      'wrong-state',
      /no warm transfer/,
    );
    await expectError(
      ada.tab,
      { type: 'call.transfer.cancel', callId },
      'wrong-state',
      /no warm transfer/,
    );

    assert.equal(ada.tab.call(callId)?.status, 'connected');
    assert.equal(ada.tab.call(callId)?.transfer, null);
    assert.equal(carol.tab.outgoing.get(callId)?.held, false);
    assert.equal(bob.tab.call(ringingCall.id)?.status, 'ringing');
    assert.equal(bob.tab.call(callId), undefined, 'nobody was rung');
    await closeAll([carol.tab, ada.tab, bob.tab, stranger.tab]);
  });
});
