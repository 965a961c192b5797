/**
 * The grace period of a party whose media left, on a clock the test moves: a real server, real
 * tabs and the real embedded media server (or, with MEDIA_BACKEND=livekit, a real
 * livekit-server), with only call media's timers on a ManualScheduler. So "not before the grace
 * period" is checked one millisecond before it, "after" at it, and nothing waits real seconds.
 *
 * The tests run one at a time: they share the clock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { ManualScheduler } from '../test/manual-scheduler.ts';
import { closeAll, onlineAgent } from '../session/testing/scenario.ts';
import { RawSignalClient } from '../media-server/test-support/raw-signal-client.ts';
import { postWebhook, signWebhook, webhookBody } from './testing/livekit-webhooks.ts';
import {
  connectedCall,
  roomNames,
  sendWebhook,
  waitForMedia,
  waitForRoomGone,
} from './testing/media-scenario.ts';

const LEAVE_GRACE_MS = 1_000;
/** call-media.ts deletes an ended call's room this long after the call ended. */
const ROOM_CLOSE_DELAY_MS = 1_500;

const clock = new ManualScheduler();
let server: TestServer;
let rooms: RoomServiceClient;

before(async () => {
  server = await startTestServer(
    {
      ringTimeoutSeconds: 30,
      endedCallLingerMs: 5_000,
      mediaLeaveGraceMs: LEAVE_GRACE_MS,
      // The reconcile round is media-reliability.test.ts's subject: here it never comes.
      mediaReconcileSeconds: 3_600,
    },
    { mediaScheduler: clock },
  );
  const { serverUrl, apiKey, apiSecret } = server.app.services.media.backend;
  rooms = new RoomServiceClient(serverUrl, apiKey, apiSecret);
});
after(() => server.close());

/**
 * Resolves once call media has armed a timer `delayMs` from now (time stands still meanwhile),
 * e.g. a party's grace period once its leave was reported.
 */
async function armed(delayMs: number, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!clock.dueIn().includes(delayMs)) {
    if (Date.now() > deadline)
      throw new Error(`${what}: no timer due in ${delayMs} ms (${clock.dueIn().join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** No grace period is running: nothing is armed to end a call within `withinMs`. */
function noGraceRunning(withinMs: number, why: string): void {
  assert.deepEqual(
    clock.dueIn().filter((dueIn) => dueIn <= withinMs && dueIn !== ROOM_CLOSE_DELAY_MS),
    [],
    why,
  );
}

/** The ended call's room is deleted once its close delay has passed on the clock. */
async function roomClosed(room: string): Promise<void> {
  await armed(ROOM_CLOSE_DELAY_MS, `closing ${room}`);
  assert.ok((await roomNames(rooms)).includes(room), 'kept until the close delay passed');
  clock.advance(ROOM_CLOSE_DELAY_MS);
  await waitForRoomGone(rooms, room);
}

describe('the media grace period, on a controlled clock', { concurrency: false }, () => {
  test('the caller’s media leaving for good while the call rings cancels it at the end of the grace period, not before', async () => {
    const agent = await onlineAgent(server, 'ringing-left-agent@grace.test');
    const caller = await onlineAgent(server, 'ringing-left-caller@grace.test', undefined, {
      online: false,
    });
    const dialed = await caller.tab.request({ type: 'call.dial', to: agent.address });
    assert.equal(dialed.type, 'outgoing_call');
    const callId = dialed.call.id;
    const callerMedia = await waitForMedia(caller.tab, callId);
    await agent.tab.waitForCall(callId, 'ringing');

    const media = await RawSignalClient.connect(callerMedia.url, callerMedia.token);
    await media.next('join');
    // The media server reports the join once the PeerConnection connects; say it here.
    const party = { identity: callerMedia.identity, sid: 'PA_ringing' };
    assert.equal(
      await sendWebhook(server, rooms, 'participant_joined', callerMedia.room, party),
      200,
    );
    media.close();
    assert.equal(
      await sendWebhook(server, rooms, 'participant_left', callerMedia.room, party),
      200,
    );

    await armed(LEAVE_GRACE_MS, 'the caller’s grace period');
    clock.advance(LEAVE_GRACE_MS - 1);
    assert.ok(clock.dueIn().includes(1), 'the grace period still runs, 1 ms from its end');
    assert.equal(agent.tab.call(callId)?.status, 'ringing', 'not before the grace period');
    clock.advance(1);
    const ended = await agent.tab.waitForCall(callId, 'disconnected');
    assert.equal(ended.endReason, 'caller_cancelled');
    await roomClosed(callerMedia.room);
    await closeAll([agent.tab, caller.tab]);
  });

  test('the caller leaving the room (its media server reports it) ends the agent’s call with hangup at the end of the grace period, not before', async () => {
    const agent = await onlineAgent(server, 'left-agent@grace.test');
    const caller = await onlineAgent(server, 'left-caller@grace.test', 'Leaving Caller', {
      online: false,
    });
    const { callId, callerMedia } = await connectedCall(caller, agent);

    // The caller's tab joins the room with its own credentials, then its connection drops.
    const media = await RawSignalClient.connect(callerMedia.url, callerMedia.token);
    const joined = await media.next('join');
    assert.equal(joined.participant?.identity, callerMedia.identity);
    assert.equal(joined.room?.name, callerMedia.room);
    media.close();

    // The media server's own webhook reports the leave; the grace period starts then.
    await armed(LEAVE_GRACE_MS, 'the caller’s grace period');
    clock.advance(LEAVE_GRACE_MS - 1);
    assert.ok(clock.dueIn().includes(1), 'the grace period still runs, 1 ms from its end');
    assert.equal(agent.tab.call(callId)?.status, 'connected', 'not before the grace period');
    clock.advance(1);
    const ended = await agent.tab.waitForCall(callId, 'disconnected');
    assert.equal(ended.endReason, 'hangup');
    await caller.tab.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected' && call.endReason === 'hangup',
      'ended',
    );
    await roomClosed(callerMedia.room);
    await closeAll([agent.tab, caller.tab]);
  });

  test('a party that rejoins within the grace period keeps the call; a late report of its old connection is ignored', async () => {
    const agent = await onlineAgent(server, 'rejoin-agent@grace.test');
    const caller = await onlineAgent(server, 'rejoin-caller@grace.test', undefined, {
      online: false,
    });
    const { callId, callerMedia, agentMedia } = await connectedCall(caller, agent);
    const identity = callerMedia.identity;
    const say = (event: 'participant_joined' | 'participant_left', who: string, sid: string) =>
      sendWebhook(server, rooms, event, callerMedia.room, { identity: who, sid });

    assert.equal(await say('participant_joined', identity, 'PA_first'), 200);
    assert.equal(await say('participant_left', identity, 'PA_first'), 200);
    await armed(LEAVE_GRACE_MS, 'the caller’s grace period');
    clock.advance(300);
    assert.equal(await say('participant_joined', identity, 'PA_second'), 200);
    // Delivered out of order: the first connection's leave again, after the rejoin.
    assert.equal(await say('participant_left', identity, 'PA_first'), 200);
    // Someone who is not a party leaving changes nothing either.
    assert.equal(await say('participant_left', 'caller:intruder:x', 'PA_x'), 200);

    noGraceRunning(LEAVE_GRACE_MS, 'the rejoin ended the grace period; nothing else started one');
    clock.advance(LEAVE_GRACE_MS);
    assert.equal(agent.tab.call(callId)?.status, 'connected');
    assert.equal(caller.tab.outgoing.get(callId)?.status, 'connected');

    // The agent's own media leaving for good ends the call too, at the end of its grace period.
    assert.equal(
      await sendWebhook(server, rooms, 'participant_left', agentMedia.room, {
        identity: agentMedia.identity,
        sid: 'PA_agent',
      }),
      200,
    );
    await armed(LEAVE_GRACE_MS, 'the agent’s grace period');
    clock.advance(LEAVE_GRACE_MS);
    await caller.tab.waitForOutgoing(
      callId,
      (call) => call.endReason === 'hangup',
      'ended by the agent’s media leaving',
    );
    await roomClosed(callerMedia.room);
    await closeAll([agent.tab, caller.tab]);
  });

  test('unsigned, forged and tampered webhooks are refused with 401 and change nothing', async () => {
    const agent = await onlineAgent(server, 'forged-agent@grace.test');
    const caller = await onlineAgent(server, 'forged-caller@grace.test', undefined, {
      online: false,
    });
    const { callId, callerMedia } = await connectedCall(caller, agent);
    const { apiKey, apiSecret } = server.app.services.media.backend;
    const leave = webhookBody('participant_left', callerMedia.room, {
      identity: callerMedia.identity,
      sid: 'PA_x',
    });
    const finished = webhookBody('room_finished', callerMedia.room);

    const table: [string, string, string | undefined][] = [
      ['no signature', leave, undefined],
      ['garbage', leave, 'not-a-jwt'],
      [
        'another secret',
        leave,
        await signWebhook(leave, apiKey, 'some-other-secret-of-enough-length'),
      ],
      ['another key', leave, await signWebhook(leave, 'another-key', apiSecret)],
      [
        'a Bearer prefix is not what LiveKit sends',
        leave,
        `Bearer ${await signWebhook(leave, apiKey, apiSecret)}`,
      ],
      ['the body of another event', finished, await signWebhook(leave, apiKey, apiSecret)],
      [
        'a changed body',
        leave.replace('PA_x', 'PA_y'),
        await signWebhook(leave, apiKey, apiSecret),
      ],
    ];
    for (const [name, body, authorization] of table) {
      assert.equal(await postWebhook(server.url, body, authorization), 401, name);
    }
    assert.equal(
      await postWebhook(
        server.url,
        leave,
        await signWebhook(leave, apiKey, apiSecret),
        'application/json',
      ),
      400,
      'JSON content type',
    );

    noGraceRunning(LEAVE_GRACE_MS, 'no refused webhook started a grace period');
    clock.advance(LEAVE_GRACE_MS + 500);
    assert.equal(agent.tab.call(callId)?.status, 'connected');
    assert.ok((await roomNames(rooms)).includes(callerMedia.room));
    await agent.tab.request({ type: 'call.hangup', callId });
    await roomClosed(callerMedia.room);
    await closeAll([agent.tab, caller.tab]);
  });
});
