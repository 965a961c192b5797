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
// rtc-node's native client keeps the process alive until released, once, after every test.
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
      await releaseRtcNode();
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
      await adaTab.waitUntil(
        () => (caller.heard().loudPackets >= 20 ? true : undefined),
        'the phone to hear the agent',
        SLOW,
      );

      await caller.hangup();
      const ended = await adaTab.waitForCall(ringing.id, 'disconnected', 'hangup', 5_000);
      assert.equal(ended.endReason, 'hangup');
      const record = await requestJson(stack.server.url, 'GET', `/api/calls/${ringing.id}`, {
        token: stack.server.apiKey,
      });
      assert.equal(record.body.endReason, 'hangup');
      assert.equal(record.body.answeredBy.name, 'Ada Agent');
    });
  },
);
