/**
 * Call media when LiveKit's webhooks cannot be relied on (they are best-effort: late, twice, out
 * of order, or never), with real participants (LiveKit's Rust SDK, @livekit/rtc-node) in the
 * call's room: on the embedded media server, and with MEDIA_BACKEND=livekit on a real
 * livekit-server. Only a call's parties (and supervisors, and its script) stay in its room.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';
import type { AgentClient } from '../session/testing/agent-client.ts';
import { closeAll, onlineAgent, type Agent } from '../session/testing/scenario.ts';
import { releaseRtcNode, RtcParticipant } from './testing/rtc-participant.ts';
import { postWebhook, signWebhook, webhookBody } from './testing/livekit-webhooks.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

const LEAVE_GRACE_MS = 1_000;

/** Every webhook arrives (and the rooms are listed only every 10 s, the default). */
let reliable: TestServer;
/** No webhook ever arrives; the rooms are listed every second. */
let lossy: TestServer;
const participants: RtcParticipant[] = [];

before(async () => {
  [reliable, lossy] = await Promise.all([
    startTestServer({ ringTimeoutSeconds: 30, mediaLeaveGraceMs: LEAVE_GRACE_MS }),
    startTestServer(
      { ringTimeoutSeconds: 30, mediaLeaveGraceMs: LEAVE_GRACE_MS, mediaReconcileSeconds: 1 },
      { mediaWebhooks: false },
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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('call media without reliable webhooks', { concurrency: true, timeout: 120_000 }, () => {
  test('a party whose leave is never reported is found gone by listing the room; the call ends after the grace period, and not before', async () => {
    const agent = await onlineAgent(lossy, 'agent@never-told.test');
    const caller = await onlineAgent(lossy, 'caller@never-told.test', undefined, {
      online: false,
    });
    const { callId, callerIn } = await callInRoom(lossy, caller, agent);
    // Several listings of a room where both parties are present end nothing.
    await pause(2_500);
    assert.equal(agent.tab.call(callId)?.status, 'connected');

    await callerIn.leave();
    const ended = await agent.tab.waitForCall(callId, 'disconnected', undefined, 15_000);
    assert.equal(ended.endReason, 'hangup');
    await closeAll([agent.tab, caller.tab]);
  });

  for (const [name, server] of [
    ['reported by its webhook', () => reliable],
    ['never reported, found by listing the room', () => lossy],
  ] as const) {
    test(`an agent who handed the call on and comes back with its old token is removed from the room (${name})`, async () => {
      const on = server();
      const ada = await onlineAgent(on, `ada@${name.length}.handed-on.test`, 'Ada');
      const bob = await onlineAgent(on, `bob@${name.length}.handed-on.test`, 'Bob');
      const carol = await onlineAgent(on, `carol@${name.length}.handed-on.test`, 'Carol', {
        online: false,
      });
      const { callId, agentMedia, agentIn } = await callInRoom(on, carol, ada);
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
        await back.waitForDisconnect(15_000);
        const heard = back.received.audioFrames;
        await pause(1_000);
        assert.equal(back.received.audioFrames, heard, 'it receives nothing more');
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
    await rooms.deleteRoom(early.room);
    // Its room_finished reaches call control, which forgets the room until the answer (no
    // frame shows that: give the webhook time).
    await pause(2_000);

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
    await pause(LEAVE_GRACE_MS + 500);
    assert.equal(agent.tab.call(callId)?.status, 'connected');
    await agent.tab.request({ type: 'call.hangup', callId });
    await closeAll([agent.tab, caller.tab]);
  });
});
