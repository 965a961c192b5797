/**
 * Call media when LiveKit's webhooks cannot be relied on (they are best-effort: late, twice, out
 * of order, or never), with real participants (LiveKit's Rust SDK, @livekit/rtc-node) in the
 * call's room: on the embedded media server, and with MEDIA_BACKEND=livekit on a real
 * livekit-server. Only a call's parties (and supervisors, and its script) stay in its room.
 *
 * Call media's timers (reconcile rounds, grace periods) run on a ManualScheduler per server that
 * the tests move, so "not before the grace period" is checked 1 ms before it and nothing waits
 * real seconds; the tests run one at a time because they share those clocks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { ManualScheduler } from '../test/manual-scheduler.ts';
import type { AgentClient } from '../session/testing/agent-client.ts';
import { closeAll, onlineAgent, type Agent } from '../session/testing/scenario.ts';
import { releaseRtcNode, RtcParticipant } from './testing/rtc-participant.ts';
import { postWebhook, signWebhook, webhookBody } from './testing/livekit-webhooks.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

/** Unlike the reconcile round (1 s) and the delayed room close (1.5 s), so `dueIn` tells them apart. */
const LEAVE_GRACE_MS = 2_500;
const RECONCILE_MS = 1_000;

/** Every webhook arrives; the rooms are never listed (the round is an hour away on its clock). */
let reliable: TestServer;
const reliableClock = new ManualScheduler();
/** No webhook ever arrives; the rooms are listed every second of its clock. */
let lossy: TestServer;
const lossyClock = new ManualScheduler();
const participants: RtcParticipant[] = [];

before(async () => {
  [reliable, lossy] = await Promise.all([
    startTestServer(
      { ringTimeoutSeconds: 30, mediaLeaveGraceMs: LEAVE_GRACE_MS, mediaReconcileSeconds: 3_600 },
      { mediaScheduler: reliableClock },
    ),
    startTestServer(
      {
        ringTimeoutSeconds: 30,
        mediaLeaveGraceMs: LEAVE_GRACE_MS,
        mediaReconcileSeconds: RECONCILE_MS / 1000,
      },
      { mediaWebhooks: false, mediaScheduler: lossyClock },
    ),
  ]);
});
after(async () => {
  await Promise.allSettled(participants.map((participant) => participant.leave()));
  await Promise.all([reliable?.close(), lossy?.close()]);
  await releaseRtcNode();
});

function waitForMedia(tab: AgentClient, callId: string): Promise<CallMediaFrame> {
  return tab.waitUntil(
    () =>
      tab.frames.find(
        (frame): frame is CallMediaFrame => frame.type === 'call_media' && frame.callId === callId,
      ),
    `call_media for ${callId}`,
  );
}

async function join(frame: CallMediaFrame, publish = { audio: true }): Promise<RtcParticipant> {
  const participant = await RtcParticipant.join(frame.url, frame.token, publish);
  participants.push(participant);
  return participant;
}

/** `caller`'s tab dials `agent`, who accepts; both join the room with their credentials. */
async function callInRoom(server: TestServer, caller: Agent, agent: Agent) {
  const dialed = await caller.tab.request({ type: 'call.dial', to: agent.address });
  const callId = (dialed as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
  await agent.tab.waitForCall(callId, 'ringing');
  await agent.tab.request({ type: 'call.accept', callId });
  const [agentMedia, callerMedia] = await Promise.all([
    waitForMedia(agent.tab, callId),
    waitForMedia(caller.tab, callId),
  ]);
  const [agentIn, callerIn] = await Promise.all([join(agentMedia), join(callerMedia)]);
  await Promise.all([agentIn.waitForFrames({ audio: 20 }), callerIn.waitForFrames({ audio: 20 })]);
  return { callId, agentMedia, callerMedia, agentIn, callerIn };
}

/** One reconcile round on the lossy server: its clock moves a round on; the listing is awaited. */
async function reconcileRound(): Promise<void> {
  lossyClock.advance(RECONCILE_MS);
  await lossy.app.services.media.settled();
}

/**
 * Runs `step` (a reconcile round, say) until `done` holds: what the step waits for, a leave
 * reaching the media server, happens in real time.
 */
async function repeatUntil(what: string, done: () => boolean, step: () => Promise<void>) {
  const deadline = Date.now() + 15_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 15 s`);
    await step();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once call media has handled a webhook `event` about `room` (it comes over HTTP). */
function webhookHandled(server: TestServer, event: string, room: string): Promise<void> {
  const media = server.app.services.media;
  const handle = media.handleWebhook.bind(media);
  return new Promise((resolve) => {
    media.handleWebhook = (webhook) => {
      handle(webhook);
      if (webhook.event === event && webhook.room?.name === room) {
        media.handleWebhook = handle;
        resolve();
      }
    };
  });
}

describe('call media without reliable webhooks', { concurrency: false, timeout: 240_000 }, () => {
  test('a party whose leave is never reported is found gone by listing the room; the call ends after the grace period, and not before', async () => {
    const agent = await onlineAgent(lossy, 'agent@never-told.test');
    const caller = await onlineAgent(lossy, 'caller@never-told.test', undefined, {
      online: false,
    });
    const { callId, callerIn } = await callInRoom(lossy, caller, agent);
    // Several listings of a room where both parties are present end nothing.
    for (let round = 0; round < 3; round++) await reconcileRound();
    assert.equal(agent.tab.call(callId)?.status, 'connected');
    assert.ok(!lossyClock.dueIn().includes(LEAVE_GRACE_MS), 'no grace period runs');

    await callerIn.leave();
    await repeatUntil(
      'a listing finds the caller gone',
      () => lossyClock.dueIn().includes(LEAVE_GRACE_MS),
      reconcileRound,
    );
    lossyClock.advance(LEAVE_GRACE_MS - 1);
    await lossy.app.services.media.settled();
    assert.equal(agent.tab.call(callId)?.status, 'connected', 'not before the grace period');
    lossyClock.advance(1);
    const ended = await agent.tab.waitForCall(callId, 'disconnected', undefined, 15_000);
    assert.equal(ended.endReason, 'hangup');
    await closeAll([agent.tab, caller.tab]);
  });

  for (const [name, server, sweep] of [
    ['reported by its webhook', () => reliable, async () => {}],
    ['never reported, found by listing the room', () => lossy, reconcileRound],
  ] as const) {
    test(`an agent who handed the call on and comes back with its old token is removed from the room (${name})`, async () => {
      const on = server();
      const ada = await onlineAgent(on, `ada@${name.length}.handed-on.test`, 'Ada');
      const bob = await onlineAgent(on, `bob@${name.length}.handed-on.test`, 'Bob');
      const carol = await onlineAgent(on, `carol@${name.length}.handed-on.test`, 'Carol', {
        online: false,
      });
      const { callId, agentMedia, agentIn, callerIn } = await callInRoom(on, carol, ada);
      await ada.tab.request({ type: 'call.transfer', callId, to: bob.address, mode: 'blind' });
      await agentIn.waitForDisconnect(15_000);

      // Its token is still valid: it gets in, and is taken out again.
      let back: RtcParticipant | undefined;
      try {
        back = await join(agentMedia);
      } catch {
        // Removed while it was still connecting: as good.
      }
      if (back) {
        const intruder = back;
        await repeatUntil('the old token removed', () => intruder.isDisconnected, sweep);
        const heard = intruder.received.audioFrames;
        // Carol's microphone keeps the time: a second of her audio later, still nothing.
        await callerIn.waitForSent({ audio: callerIn.sent.audioFrames + 100 });
        assert.equal(intruder.received.audioFrames, heard, 'it receives nothing more');
      }
      const rooms = new RoomServiceClient(
        on.app.services.media.backend.serverUrl,
        on.app.services.media.backend.apiKey,
        on.app.services.media.backend.apiSecret,
      );
      const left = await rooms.listParticipants(agentMedia.room);
      assert.ok(
        !left.some((participant) => participant.identity === agentMedia.identity),
        'not in the room',
      );
      assert.equal((await bob.tab.waitForCall(callId, 'ringing')).status, 'ringing');
      await closeAll([ada.tab, bob.tab, carol.tab]);
    });
  }

  test('a room_finished about an earlier instance of the room (a replay) does not end the live call', async () => {
    const { serverUrl, apiKey, apiSecret } = reliable.app.services.media.backend;
    const rooms = new RoomServiceClient(serverUrl, apiKey, apiSecret);
    const agent = await onlineAgent(reliable, 'agent@replayed.test');
    const caller = await onlineAgent(reliable, 'caller@replayed.test', undefined, {
      online: false,
    });
    const dialed = await caller.tab.request({ type: 'call.dial', to: agent.address });
    const callId = (dialed as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
    const early = await waitForMedia(caller.tab, callId);
    await agent.tab.waitForCall(callId, 'ringing');
    // The ringing call's room closes (nobody joined it): LiveKit reports it, genuinely.
    const [first] = await rooms.listRooms([early.room]);
    assert.ok(first?.sid, 'the room exists while the call rings');
    const finished = webhookHandled(reliable, 'room_finished', early.room);
    await rooms.deleteRoom(early.room);
    // Its room_finished reaches call control, which forgets the room until the answer (no
    // frame shows that: wait for call media to have handled it).
    await finished;

    await agent.tab.request({ type: 'call.accept', callId });
    await waitForMedia(agent.tab, callId);
    const [second] = await rooms.listRooms([early.room]);
    assert.ok(second && second.sid !== first.sid, 'answering opened a new instance of the room');

    // The first instance's room_finished, replayed: signed with the right key, about the old sid.
    const replay = webhookBody('room_finished', early.room, undefined, first.sid);
    assert.equal(
      await postWebhook(reliable.url, replay, await signWebhook(replay, apiKey, apiSecret)),
      200,
    );
    // And one webhook delivered twice (LiveKit retries): acted on at most once.
    const twice = webhookBody(
      'participant_joined',
      early.room,
      {
        identity: 'agent:someone-else:x',
        sid: 'PA_twice',
      },
      second.sid,
    );
    const signature = await signWebhook(twice, apiKey, apiSecret);
    assert.equal(await postWebhook(reliable.url, twice, signature), 200);
    assert.equal(await postWebhook(reliable.url, twice, signature), 200);
    // Past any grace period either could have started: the call stands.
    const media = reliable.app.services.media;
    await media.settled();
    assert.ok(!reliableClock.dueIn().includes(LEAVE_GRACE_MS), 'no grace period runs');
    reliableClock.advance(LEAVE_GRACE_MS);
    await media.settled();
    assert.equal(agent.tab.call(callId)?.status, 'connected');
    await agent.tab.request({ type: 'call.hangup', callId });
    await closeAll([agent.tab, caller.tab]);
  });
});
