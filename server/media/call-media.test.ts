/**
 * Call control ↔ LiveKit against the real embedded media server (or, with MEDIA_BACKEND=livekit,
 * a real livekit-server) and the real livekit-server-sdk: who gets `call_media`, what the tokens allow, the room's life, and the
 * webhooks (signed by the media server itself, or by hand as LiveKit signs them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient, TokenVerifier } from 'livekit-server-sdk';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';
import {
  closeAll,
  onlineAgent,
  openTab,
  placeCall,
  type Agent,
} from '../session/testing/scenario.ts';
import { RawSignalClient } from '../media-server/test-support/raw-signal-client.ts';
import { JOIN_TOKEN_TTL_SECONDS } from './livekit-tokens.ts';
import type { WebhookEventName } from './testing/livekit-webhooks.ts';
import * as scenario from './testing/media-scenario.ts';
import { mediaFrames, waitForMedia } from './testing/media-scenario.ts';

/** Shorter than the default (2.5 s) to keep the suite quick; the rules are the same. */
const LEAVE_GRACE_MS = 1_000;

let server: TestServer;
let rooms: RoomServiceClient;
let apiKey: string;
let apiSecret: string;

before(async () => {
  server = await startTestServer({
    ringTimeoutSeconds: 30,
    endedCallLingerMs: 5_000,
    mediaLeaveGraceMs: LEAVE_GRACE_MS,
  });
  ({ apiKey, apiSecret } = server.app.services.media.backend);
  rooms = new RoomServiceClient(server.app.services.media.backend.serverUrl, apiKey, apiSecret);
});
after(() => server.close());

const roomNames = () => scenario.roomNames(rooms);
const waitForRoomGone = (name: string) => scenario.waitForRoomGone(rooms, name);
const sendWebhook = (
  event: WebhookEventName,
  room: string,
  participant?: { identity: string; sid: string },
  roomSid?: string,
) => scenario.sendWebhook(server, rooms, event, room, participant, roomSid);
const connectedCall = (caller: Agent, agent: Agent) => scenario.connectedCall(caller, agent);

describe('call media', { concurrency: true }, () => {
  test('answering sends call_media to the answering tab and the caller tab only, for a room that exists until hang-up and stays closed', async () => {
    const ada = await onlineAgent(server, 'ada@media.test', 'Ada Lovelace');
    const adaSecondTab = await openTab(server, ada);
    const bob = await onlineAgent(server, 'bob@media.test', 'Bob');
    const carol = await onlineAgent(server, 'carol@media.test', 'Carol Caller', { online: false });
    const stranger = await onlineAgent(server, 'ada@media.test', 'Other Tenant Ada', {
      tenant: server.otherTenant,
    });
    await server.tenant.createRingGroup('media-support', [ada.user.id, bob.user.id]);

    const dialed = await carol.tab.request({ type: 'call.dial', to: '/group/media-support' });
    const callId = (dialed as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
    await Promise.all(
      [ada.tab, adaSecondTab, bob.tab].map((tab) => tab.waitForCall(callId, 'ringing')),
    );
    await ada.tab.request({ type: 'call.accept', callId });
    const [agentMedia, callerMedia] = await Promise.all([
      waitForMedia(ada.tab, callId),
      waitForMedia(carol.tab, callId),
    ]);

    const room = `t_${server.tenant.id}_call_${callId}`;
    const { publicUrl } = server.app.services.media.backend;
    assert.deepEqual(agentMedia, {
      type: 'call_media',
      callId,
      url: publicUrl,
      room,
      token: agentMedia.token,
      identity: `agent:${ada.user.id}:${ada.tab.hello.sessionId}`,
    });
    assert.deepEqual(callerMedia, {
      type: 'call_media',
      callId,
      url: publicUrl,
      room,
      token: callerMedia.token,
      identity: `caller:${carol.user.id}:${carol.tab.hello.sessionId}`,
    });
    assert.match(publicUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
    // Both frames went out together: anyone else would have had theirs by now.
    for (const [name, tab] of [
      ['the same agent’s other tab', adaSecondTab],
      ['the other rung agent', bob.tab],
      ['another tenant', stranger.tab],
    ] as const) {
      assert.deepEqual(mediaFrames(tab), [], `${name} gets no media`);
    }
    assert.equal(mediaFrames(ada.tab).length, 1, 'sent once');

    const verifier = new TokenVerifier(apiKey, apiSecret);
    for (const [frame, name] of [
      [agentMedia, 'Ada Lovelace'],
      [callerMedia, 'Carol Caller'],
    ] as const) {
      const claims = await verifier.verify(frame.token);
      assert.equal(claims.sub, frame.identity);
      assert.equal(claims.name, name);
      assert.deepEqual(claims.video, {
        roomJoin: true,
        room,
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
        canPublishSources: ['camera', 'microphone'],
        canUpdateOwnMetadata: false,
      });
      const { exp, nbf } = claims as { exp: number; nbf: number };
      assert.equal(exp - nbf, JOIN_TOKEN_TTL_SECONDS);
      assert.ok(exp <= Date.now() / 1000 + JOIN_TOKEN_TTL_SECONDS + 1, 'expires within 10 minutes');
    }
    const created = (await rooms.listRooms([room]))[0];
    assert.ok(created, 'the room exists once the call is answered');
    assert.equal(created.emptyTimeout, 60);

    await ada.tab.request({ type: 'call.hangup', callId });
    await carol.tab.waitForOutgoing(callId, (call) => call.endReason === 'hangup', 'hung up');
    await waitForRoomGone(room);

    // Coming back with the still-valid token recreates the room (LiveKit does that on join);
    // call control closes it again as soon as LiveKit reports the join.
    const rejoined = await RawSignalClient.connect(callerMedia.url, callerMedia.token);
    await rejoined.next('join');
    assert.ok((await roomNames()).includes(room));
    assert.equal(
      await sendWebhook('participant_joined', room, {
        identity: callerMedia.identity,
        sid: 'PA_again',
      }),
      200,
    );
    await waitForRoomGone(room);
    await rejoined.waitClosed();
    await closeAll([ada.tab, adaSecondTab, bob.tab, carol.tab, stranger.tab]);
  });

  test('a call dialed from a tab gives the caller its room while it rings, ringing agents nothing; answering admits the agent only; cancelling closes the room', async () => {
    const ada = await onlineAgent(server, 'early-ada@media.test', 'Early Ada');
    const bob = await onlineAgent(server, 'early-bob@media.test', 'Early Bob');
    const carol = await onlineAgent(server, 'early-carol@media.test', 'Early Carol', {
      online: false,
    });
    await server.tenant.createRingGroup('early-media', [ada.user.id, bob.user.id]);

    // Ringing: the caller's tab may join now, so the agent who answers finds its media there.
    const first = await carol.tab.request({ type: 'call.dial', to: '/group/early-media' });
    const callId = (first as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
    await Promise.all([ada.tab, bob.tab].map((tab) => tab.waitForCall(callId, 'ringing')));
    const callerMedia = await waitForMedia(carol.tab, callId);
    const room = `t_${server.tenant.id}_call_${callId}`;
    assert.equal(callerMedia.room, room);
    assert.equal(callerMedia.identity, `caller:${carol.user.id}:${carol.tab.hello.sessionId}`);
    assert.ok((await roomNames()).includes(room), 'the room exists while the call rings');
    assert.deepEqual(mediaFrames(ada.tab), [], 'a ringing agent gets no media');
    assert.deepEqual(mediaFrames(bob.tab), [], 'a ringing agent gets no media');

    await ada.tab.request({ type: 'call.accept', callId });
    const agentMedia = await waitForMedia(ada.tab, callId);
    assert.equal(agentMedia.room, room);
    assert.equal(agentMedia.identity, `agent:${ada.user.id}:${ada.tab.hello.sessionId}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(mediaFrames(carol.tab).length, 1, 'the caller keeps its credentials');
    assert.deepEqual(mediaFrames(bob.tab), [], 'the agent who did not answer never gets media');
    await ada.tab.request({ type: 'call.hangup', callId });
    await waitForRoomGone(room);

    // Cancelled while ringing: its room closes like an answered call's.
    const second = await carol.tab.request({ type: 'call.dial', to: '/group/early-media' });
    const cancelledId = (second as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
    const cancelledMedia = await waitForMedia(carol.tab, cancelledId);
    assert.ok((await roomNames()).includes(cancelledMedia.room));
    await carol.tab.request({ type: 'call.hangup', callId: cancelledId });
    await carol.tab.waitForOutgoing(
      cancelledId,
      (call) => call.endReason === 'caller_cancelled',
      'cancelled',
    );
    await waitForRoomGone(cancelledMedia.room);
    await closeAll([ada.tab, bob.tab, carol.tab]);
  });

  test('the room of a ringing call that nobody joined closes without ending the call; answering opens it again for both', async () => {
    const agent = await onlineAgent(server, 'reopen-agent@media.test');
    const caller = await onlineAgent(server, 'reopen-caller@media.test', undefined, {
      online: false,
    });
    const dialed = await caller.tab.request({ type: 'call.dial', to: agent.address });
    const callId = (dialed as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
    const early = await waitForMedia(caller.tab, callId);
    await agent.tab.waitForCall(callId, 'ringing');

    // A caller tab without media never joins: the room's empty timeout closes it.
    const [ringingRoom] = await rooms.listRooms([early.room]);
    await rooms.deleteRoom(early.room);
    // What LiveKit reports for it (its own report may come later: both are the same event).
    assert.equal(await sendWebhook('room_finished', early.room, undefined, ringingRoom.sid), 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(agent.tab.call(callId)?.status, 'ringing');

    await agent.tab.request({ type: 'call.accept', callId });
    const agentMedia = await waitForMedia(agent.tab, callId);
    await caller.tab.waitUntil(
      () => mediaFrames(caller.tab).filter((frame) => frame.callId === callId)[1],
      'the caller’s new credentials',
    );
    assert.ok((await roomNames()).includes(agentMedia.room), 'open again once answered');
    await agent.tab.request({ type: 'call.hangup', callId });
    await waitForRoomGone(agentMedia.room);
    await closeAll([agent.tab, caller.tab]);
  });

  test('a call placed through the HTTP API gives media to the agent only; its room closes when the caller hangs up', async () => {
    const ada = await onlineAgent(server, 'api@media.test', 'Api Agent');
    const call = await placeCall(server, ada.address, { from: 'Phone Customer' });
    await ada.tab.waitForCall(call.id, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    const frame = await waitForMedia(ada.tab, call.id);
    assert.equal(frame.identity, `agent:${ada.user.id}:${ada.tab.hello.sessionId}`);
    assert.ok((await roomNames()).includes(frame.room));

    const hangup = await fetch(`${server.url}/api/calls/${call.id}/hangup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    assert.equal(hangup.status, 200);
    await ada.tab.waitForCall(call.id, 'disconnected', 'hangup');
    await waitForRoomGone(frame.room);
    await ada.tab.close();
  });

  test('room_finished ends a live call at once; events for rooms without a live call are accepted and ignored', async () => {
    const agent = await onlineAgent(server, 'finished-agent@media.test');
    const caller = await onlineAgent(server, 'finished-caller@media.test', undefined, {
      online: false,
    });
    const { callId, callerMedia } = await connectedCall(caller, agent);

    assert.equal(
      await sendWebhook('participant_left', 'some-other-room', {
        identity: callerMedia.identity,
        sid: 'PA_x',
      }),
      200,
    );
    assert.equal(await sendWebhook('room_finished', `t_${server.tenant.id}_call_unknown`), 200);
    assert.equal(
      await sendWebhook('room_finished', `t_${server.otherTenant.id}_call_${callId}`),
      200,
      'the same call id in another tenant is another room',
    );
    assert.equal(agent.tab.call(callId)?.status, 'connected');

    // Nobody ever joined this room, so its media failed.
    assert.equal(await sendWebhook('room_finished', callerMedia.room), 200);
    const ended = await agent.tab.waitForCall(callId, 'disconnected');
    assert.equal(ended.endReason, 'failed');
    await closeAll([agent.tab, caller.tab]);
  });
});
