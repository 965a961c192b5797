/**
 * Phones calling in, on real parts: a test phone (tools/softphone, G.711 over UDP) calls LiveKit
 * SIP, which joins livekit-server (Redis mode) and call control; agents are session WebSockets
 * whose media is LiveKit's own Node SDK (rtc-node) publishing a tone. Checks that a phone call
 * is an ordinary inbound call (it rings the number's group with the caller's name and number),
 * that accepting connects audio both ways, that either side hanging up ends it on the other,
 * and that numbers nobody may call are refused before anyone rings.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson, type TestUser } from '../test/harness.ts';
import { RtcParticipant, releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { RoomEvent } from '@livekit/rtc-node';
import { Softphone } from '../../tools/softphone/softphone.ts';
import { phoneStackUnavailable, startPhoneStack, type PhoneStack } from './testing/phone-stack.ts';

type CallMedia = Extract<ServerMessage, { type: 'call_media' }>;

const unavailable = phoneStackUnavailable();
// rtc-node's native client keeps the process alive until released: once, after every suite of
// the file (a suite that released it early left the next one unable to join: it hung).
after(() => releaseRtcNode());
/** Generous: LiveKit SIP, livekit-server and Chromium-free WebRTC on a busy two-core machine. */
const SLOW = 20_000;

describe(
  'phones calling in through LiveKit SIP',
  { skip: unavailable && `skipped: ${unavailable}` },
  () => {
    let stack: PhoneStack;
    let ada: TestUser;
    let bob: TestUser;
    const tabs: AgentClient[] = [];
    const phones: Softphone[] = [];
    const media: RtcParticipant[] = [];

    const online = async (user: TestUser) => {
      const tab = await AgentClient.connect(stack.server.sessionUrl(user.token));
      tabs.push(tab);
      await tab.online();
      return tab;
    };
    const phone = async (number: string, displayName?: string) => {
      const created = await Softphone.open({ number, displayName, toneHz: 440 });
      phones.push(created);
      return created;
    };
    const mediaFrame = (tab: AgentClient, callId: string) =>
      tab.waitUntil(
        () =>
          tab.frames.find(
            (frame): frame is CallMedia => frame.type === 'call_media' && frame.callId === callId,
          ),
        `call_media for ${callId}`,
        SLOW,
      );
    /** The agent's tab accepts and its media joins the call's room, publishing a tone. */
    const acceptWithMedia = async (tab: AgentClient, callId: string) => {
      await tab.request({ type: 'call.accept', callId });
      const frame = await mediaFrame(tab, callId);
      const participant = await RtcParticipant.join(frame.url, frame.token, { audio: true });
      media.push(participant);
      return participant;
    };
    const closeTabs = async () => {
      for (const participant of media.splice(0)) await participant.leave().catch(() => undefined);
      for (const tab of tabs.splice(0)) await tab.close().catch(() => undefined);
    };
    const addNumber = (apiKey: string, number: string, destination: object) =>
      requestJson(stack.server.url, 'POST', '/api/phone-numbers', {
        token: apiKey,
        body: { number, destination },
      });

    before(async () => {
      stack = await startPhoneStack({ ringTimeoutSeconds: 30, maxQueueWaitSeconds: 120 });
      const { server } = stack;
      ada = await server.createAgent('ada@phones.test', 'Ada Agent');
      bob = await server.createAgent('bob@phones.test', 'Bob Agent');
      const support = await server.tenant.createRingGroup('support', [ada.user.id, bob.user.id]);
      assert.equal(
        (await addNumber(server.apiKey, '+14155550100', { type: 'group', ringGroupId: support.id }))
          .status,
        201,
      );
      await server.app.services.sip!.provisioning.ready;
    });

    after(async () => {
      for (const participant of media) await participant.leave().catch(() => undefined);
      for (const created of phones) created.close();
      for (const tab of tabs) await tab.close().catch(() => undefined);
      await stack?.stop();
    });

    test('a phone rings the group; one agent accepts; audio flows both ways; the phone hangs up', async () => {
      const [adaTab, bobTab] = [await online(ada), await online(bob)];
      const caller = await phone('+14155550123', 'Grace Hopper');
      const answered = caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      assert.deepEqual(ringing.from, { name: 'Grace Hopper', address: '+14155550123' });
      assert.equal(ringing.direction, 'inbound');
      assert.equal(ringing.ringGroup?.name, 'support');
      assert.deepEqual(ringing.params, { calledNumber: '+1 415 555 0100' });
      await bobTab.waitForCall(ringing.id, 'ringing', undefined, SLOW);

      const agentMedia = await acceptWithMedia(adaTab, ringing.id);
      assert.equal(
        (await answered).status,
        200,
        'LiveKit SIP answers once the agent publishes audio',
      );
      await bobTab.waitForCall(ringing.id, 'disconnected', 'answered_elsewhere', SLOW);
      // The agent decodes the phone's tone; the phone hears the agent's.
      await agentMedia.waitForFrames({ audio: 20 }, SLOW);
      await pollUntil(() => caller.heard().loudPackets >= 20, 'the phone to hear the agent');

      await caller.hangup();
      const ended = await adaTab.waitForCall(ringing.id, 'disconnected', 'hangup', 5_000);
      assert.equal(ended.endReason, 'hangup');
      const record = await requestJson(stack.server.url, 'GET', `/api/calls/${ringing.id}`, {
        token: stack.server.apiKey,
      });
      assert.equal(record.body.endReason, 'hangup');
      assert.equal(record.body.answeredBy.name, 'Ada Agent');
      assert.equal(record.body.origin, 'phone');
      await closeTabs();
    });

    test('the agent hangs up: the phone gets its BYE', async () => {
      const adaTab = await online(ada);
      const caller = await phone('+442079460000');
      const answered = caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      assert.deepEqual(ringing.from, { name: '+44 20 7946 0000', address: '+442079460000' });
      await acceptWithMedia(adaTab, ringing.id);
      assert.equal((await answered).status, 200);
      const bye = new Promise<string>((resolve) => caller.once('ended', resolve));
      await adaTab.request({ type: 'call.hangup', callId: ringing.id });
      assert.equal(await withTimeout(bye, SLOW, 'the BYE'), 'remote');
      await closeTabs();
    });

    test("DTMF both ways: the phone's digits reach the agent, the agent's reach the phone", async () => {
      const adaTab = await online(ada);
      const caller = await phone('+14155550123');
      const answered = caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      const agentMedia = await acceptWithMedia(adaTab, ringing.id);
      assert.equal((await answered).status, 200);
      const agentGot: string[] = [];
      agentMedia.room.on(RoomEvent.DtmfReceived, (_code: number, digit: string) =>
        agentGot.push(digit),
      );
      const phoneGot: string[] = [];
      caller.on('dtmf', (digit) => phoneGot.push(digit));
      caller.sendDtmf('42#');
      await agentMedia.room.localParticipant!.publishDtmf(1, '1');
      await agentMedia.room.localParticipant!.publishDtmf(11, '#');
      await pollUntil(
        () => agentGot.join('') === '42#' && phoneGot.join('') === '1#',
        () => `DTMF both ways (agent got "${agentGot.join('')}", phone got "${phoneGot.join('')}")`,
      );
      await caller.hangup();
      await adaTab.waitForCall(ringing.id, 'disconnected', 'hangup', SLOW);
      await closeTabs();
    });

    test('a blind transfer hands the phone to another agent: it keeps its room and hears the new agent', async () => {
      const [adaTab, bobTab] = [await online(ada), await online(bob)];
      const caller = await phone('+14155550123');
      const answered = caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      await bobTab.waitForCall(ringing.id, 'ringing', undefined, SLOW);
      const adaMedia = await acceptWithMedia(adaTab, ringing.id);
      assert.equal((await answered).status, 200);
      await pollUntil(() => caller.heard().loudPackets >= 20, 'the phone to hear Ada');

      const transferred = await adaTab.request({
        type: 'call.transfer',
        callId: ringing.id,
        to: bob.address,
        mode: 'blind',
      });
      assert.equal(transferred.type, 'ok', JSON.stringify(transferred));
      await adaTab.waitForCall(ringing.id, 'disconnected', 'transferred', SLOW);
      await adaMedia.leave();
      const bobRinging = await bobTab.waitUntil(
        () =>
          bobTab.calls.find(
            (call) => call.id === ringing.id && call.status === 'ringing' && call.transferredBy,
          ),
        'the transferred phone call ringing for Bob',
        SLOW,
      );
      assert.equal(bobRinging.transferredBy?.name, 'Ada Agent');
      const heardBefore = caller.heard().loudPackets;
      const bobMedia = await acceptWithMedia(bobTab, ringing.id);
      await bobMedia.waitForFrames({ audio: 20 }, SLOW);
      await pollUntil(
        () => caller.heard().loudPackets >= heardBefore + 20,
        'the phone to hear Bob',
      );
      assert.ok(caller.inCall, 'the phone stayed in its call throughout');

      await caller.hangup();
      await bobTab.waitForCall(ringing.id, 'disconnected', 'hangup', 5_000);
      await closeTabs();
    });

    test('a transfer to a phone number: the phone network gets a REFER, the call ends transferred', async () => {
      const adaTab = await online(ada);
      const caller = await phone('+14155550123');
      const answered = caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      await acceptWithMedia(adaTab, ringing.id);
      assert.equal((await answered).status, 200);
      const referred = new Promise<string>((resolve) => caller.once('refer', resolve));

      const warm = await adaTab.request({
        type: 'call.transfer',
        callId: ringing.id,
        to: '+1 415 555 0142',
        mode: 'warm',
      });
      // Warm goes through a consultation call to the number: this stack has no carrier for it.
      assert.equal(warm.type, 'error');
      assert.match((warm as { message: string }).message, /SIP carrier for outbound calls/);
      const malformed = await adaTab.request({
        type: 'call.transfer',
        callId: ringing.id,
        to: '+1 555',
        mode: 'blind',
      });
      assert.match((malformed as { message: string }).message, /not a valid international/);

      const reply = await adaTab.request(
        { type: 'call.transfer', callId: ringing.id, to: '+1 415 555 0142', mode: 'blind' },
        SLOW,
      );
      assert.equal(reply.type, 'ok', JSON.stringify(reply));
      assert.match(await withTimeout(referred, SLOW, 'the REFER'), /\+14155550142/);
      const ended = await adaTab.waitForCall(ringing.id, 'disconnected', 'transferred', SLOW);
      assert.equal(ended.endReason, 'transferred');
      const record = await requestJson(stack.server.url, 'GET', `/api/calls/${ringing.id}`, {
        token: stack.server.apiKey,
      });
      assert.equal(record.body.endReason, 'transferred');
      await closeTabs();
    });

    test('the phone gives up while it rings: the agents see the caller cancel', async () => {
      const [adaTab, bobTab] = [await online(ada), await online(bob)];
      const caller = await phone('+14155550123');
      void caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      await bobTab.waitForCall(ringing.id, 'ringing', undefined, SLOW);
      await caller.hangup();
      await adaTab.waitForCall(ringing.id, 'disconnected', 'caller_cancelled', SLOW);
      await bobTab.waitForCall(ringing.id, 'disconnected', 'caller_cancelled', SLOW);
      await closeTabs();
    });

    test('unknown, routed-nowhere and malformed numbers are refused at once; nobody rings', async () => {
      const adaTab = await online(ada);
      const { server } = stack;
      const gone = await server.tenant.createRingGroup('closed-desk', [ada.user.id]);
      const added = await addNumber(server.apiKey, '+14155550177', {
        type: 'group',
        ringGroupId: gone.id,
      });
      assert.equal(added.status, 201);
      await requestJson(server.url, 'DELETE', `/api/ring-groups/${gone.id}`, {
        token: server.apiKey,
      });
      const listCalls = async () =>
        (await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey })).body.calls
          .length;
      const callsBefore = await listCalls();
      for (const dialled of ['+14155550111', '+14155550177', '12ab', '+1-555']) {
        const caller = await phone('+14155550123');
        const result = await withTimeout(
          caller.dial(stack.sipAddress, dialled),
          SLOW,
          `the answer to ${dialled}`,
        );
        assert.ok(result.status >= 400, `${dialled}: ${result.status} ${result.reason}`);
      }
      assert.ok(
        !adaTab.frames.some((frame) => frame.type === 'incoming_calls' && frame.calls.length > 0),
        'nobody rang',
      );
      assert.equal(await listCalls(), callsBefore, 'no call was created');
      await closeTabs();
    });

    test("another tenant's number rings that tenant's agents only", async () => {
      const { server } = stack;
      const eve = await server.otherTenant.createAgent('eve@other.test', 'Eve Other');
      const desk = await server.otherTenant.createRingGroup('desk', [eve.user.id]);
      const added = await addNumber(server.otherTenant.apiKey, '+14155550188', {
        type: 'group',
        ringGroupId: desk.id,
      });
      assert.equal(added.status, 201);
      const [adaTab, eveTab] = [await online(ada), await online(eve)];
      const caller = await phone('+14155550123');
      void caller.dial(stack.sipAddress, '+14155550188');
      const ringing = await eveTab.waitForRinging([], SLOW);
      assert.equal(ringing.ringGroup?.name, 'desk');
      await caller.hangup();
      await eveTab.waitForCall(ringing.id, 'disconnected', 'caller_cancelled', SLOW);
      assert.ok(
        !adaTab.frames.some((frame) => frame.type === 'incoming_calls' && frame.calls.length > 0),
        "tenant A's agent never rang",
      );
      await closeTabs();
    });
  },
);

// Why this was skipped, found out: the phone dropped its RTP right after the 200 OK, before its
// first packet, so LiveKit SIP waited `media_timeout_initial` (30 s by default; the fixture set only
// `media_timeout`) — longer than the test waited. The fixture now sets both, and the line works
// (the agent hears it) before it goes dead. What LiveKit SIP 1.8 reports then is a clean hang-up:
// a media timeout after the ACK closes the call as `callHangupMedia` ("post-ACK media timeout
// usually means BYE was lost", inbound.go), so the participant leaves CLIENT_INITIATED with
// sip.callStatus "hangup". Call control cannot tell it from a hang-up and records `hangup`;
// legs that LiveKit blames on the line (SIP_TRUNK_FAILURE…) are recorded `failed`.
describe('a phone line that goes dead', { skip: unavailable && `skipped: ${unavailable}` }, () => {
  test('LiveKit SIP ends the call on its media timeout; the agent sees it end at once', async () => {
    const stack = await startPhoneStack({}, { mediaTimeoutSeconds: 3 });
    const tabs: AgentClient[] = [];
    let participant: RtcParticipant | undefined;
    const caller = await Softphone.open({ number: '+14155550123' });
    try {
      const { server } = stack;
      const ada = await server.createAgent('ada@dead.test', 'Ada Agent');
      const support = await server.tenant.createRingGroup('support', [ada.user.id]);
      await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: { number: '+14155550100', destination: { type: 'group', ringGroupId: support.id } },
      });
      await server.app.services.sip!.provisioning.ready;
      const tab = await AgentClient.connect(server.sessionUrl(ada.token));
      tabs.push(tab);
      await tab.online();
      const answered = caller.dial(stack.sipAddress, '+14155550100');
      const ringing = await tab.waitForRinging([], SLOW);
      await tab.request({ type: 'call.accept', callId: ringing.id });
      const frame = await tab.waitUntil(
        () =>
          tab.frames.find((candidate): candidate is CallMedia => candidate.type === 'call_media'),
        'call_media',
        SLOW,
      );
      participant = await RtcParticipant.join(frame.url, frame.token, { audio: true });
      assert.equal((await answered).status, 200);
      // The line works first (the agent hears the phone), then goes dead.
      await participant.waitForFrames({ audio: 20 }, SLOW);
      caller.dropMedia();
      const droppedAt = Date.now();
      // media_timeout (3 s) + LiveKit SIP's timer granularity + the webhook.
      const ended = await tab.waitForCall(ringing.id, 'disconnected', undefined, 8_000);
      assert.ok(Date.now() - droppedAt >= 2_500, 'ended by the media timeout, not before');
      assert.equal(ended.endReason, 'hangup', 'LiveKit SIP 1.8 reports a clean hang-up (above)');
      const record = await requestJson(server.url, 'GET', `/api/calls/${ringing.id}`, {
        token: server.apiKey,
      });
      assert.equal(record.body.endReason, 'hangup');
      assert.ok(record.body.endedAt, 'recorded as ended');
    } finally {
      caller.close();
      await participant?.leave().catch(() => undefined);
      for (const tab of tabs) await tab.close().catch(() => undefined);
      await stack.stop();
    }
  });
});

/** For conditions no session frame announces (what a phone heard): checked every 50 ms. */
async function pollUntil(
  condition: () => boolean,
  description: string | (() => string),
  timeoutMs = SLOW,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      const what = typeof description === 'string' ? description : description();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms,
      ).unref(),
    ),
  ]);
}
