/**
 * Agents calling phones, on real parts: the agent's tab dials a phone number from the Call box
 * (`call.dial`), its media (rtc-node) joins the call's room at once, and LiveKit SIP calls the
 * test phone (tools/softphone) through the outbound trunk, whose carrier address is the phone
 * itself. Checks the caller ID the phone sees, ringing → connected → ended on the agent's tab,
 * audio both ways, either side hanging up, and a phone that refuses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallView, ServerMessage } from '../../protocol/session-protocol.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson, type TestUser } from '../test/harness.ts';
import { RtcParticipant, releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { Softphone } from '../../tools/softphone/softphone.ts';
import { header, type SipMessage } from '../../tools/softphone/sip-message.ts';
import { phoneStackUnavailable, startPhoneStack, type PhoneStack } from './testing/phone-stack.ts';

type CallMedia = Extract<ServerMessage, { type: 'call_media' }>;

const unavailable = phoneStackUnavailable();
after(() => releaseRtcNode());
const SLOW = 20_000;

describe(
  'agents calling phones through LiveKit SIP',
  { skip: unavailable && `skipped: ${unavailable}` },
  () => {
    let stack: PhoneStack;
    let ada: TestUser;
    /** The phone being called; the outbound trunk's carrier address is its SIP port. */
    let callee: Softphone;
    const tabs: AgentClient[] = [];
    const media: RtcParticipant[] = [];
    const invites: SipMessage[] = [];

    const online = async (user: TestUser) => {
      const tab = await AgentClient.connect(stack.server.sessionUrl(user.token));
      tabs.push(tab);
      await tab.online();
      return tab;
    };
    /** The tab dials; its media joins the call's room with a tone as soon as it has credentials. */
    const dialWithMedia = async (tab: AgentClient, to: string) => {
      const reply = await tab.request({ type: 'call.dial', to }, SLOW);
      assert.equal(reply.type, 'outgoing_call', JSON.stringify(reply));
      const call = (reply as { call: CallView }).call;
      const frame = await tab.waitUntil(
        () =>
          tab.frames.find(
            (candidate): candidate is CallMedia =>
              candidate.type === 'call_media' && candidate.callId === call.id,
          ),
        `call_media for ${call.id}`,
        SLOW,
      );
      const participant = await RtcParticipant.join(frame.url, frame.token, { audio: true });
      media.push(participant);
      return { call, participant };
    };
    const closeTabs = async () => {
      for (const participant of media.splice(0)) await participant.leave().catch(() => undefined);
      for (const tab of tabs.splice(0)) await tab.close().catch(() => undefined);
    };

    before(async () => {
      callee = await Softphone.open({ number: '+14155550199', toneHz: 440 });
      callee.on('message', (message) => {
        if (message.method === 'INVITE') invites.push(message);
      });
      stack = await startPhoneStack(
        { ringTimeoutSeconds: 30 },
        // A short media timeout for the line that goes dead; both ends send audio throughout.
        { outboundAddress: `127.0.0.1:${callee.sipPort}`, mediaTimeoutSeconds: 4 },
      );
      const { server } = stack;
      ada = await server.createAgent('ada@outbound.test', 'Ada Agent');
      const support = await server.tenant.createRingGroup('support', [ada.user.id]);
      const added = await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: { number: '+14155550100', destination: { type: 'group', ringGroupId: support.id } },
      });
      assert.equal(added.status, 201);
      await server.app.services.sip!.provisioning.ready;
    });

    after(async () => {
      await closeTabs();
      callee?.close();
      await stack?.stop();
    });

    test('the agent dials a phone: ringing, connected with audio both ways, the agent hangs up (BYE)', async () => {
      const adaTab = await online(ada);
      callee.answerIncoming({ afterMs: 1_000 });
      const rang = new Promise<number>((resolve) => callee.once('ringing', resolve));
      const { call, participant } = await dialWithMedia(adaTab, '+1 (415) 555-0199');
      assert.equal(call.direction, 'outbound');
      assert.equal(call.status, 'ringing');
      assert.deepEqual(call.to, { name: '+1 415 555 0199', address: '+14155550199' });
      await withTimeout(rang, SLOW, 'the phone to ring');
      const invite = invites.at(-1)!;
      assert.match(header(invite, 'From') ?? '', /\+14155550100/, "the tenant's caller ID");
      assert.match(invite.uri ?? '', /\+14155550199/);

      const connected = await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'connected',
        'connected',
        SLOW,
      );
      assert.ok(connected.answeredAt! >= call.createdAt);
      await adaTab.waitForPresence('busy', SLOW);
      await participant.waitForFrames({ audio: 20 }, SLOW);
      await pollUntil(() => callee.heard().loudPackets >= 20, 'the phone to hear the agent');

      const bye = new Promise<string>((resolve) => callee.once('ended', resolve));
      await adaTab.request({ type: 'call.hangup', callId: call.id });
      assert.equal(await withTimeout(bye, SLOW, 'the BYE'), 'remote');
      await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'disconnected' && view.endReason === 'hangup',
        'ended by hangup',
      );
      const record = await requestJson(stack.server.url, 'GET', `/api/calls/${call.id}`, {
        token: stack.server.apiKey,
      });
      assert.equal(record.body.endReason, 'hangup');
      assert.equal(record.body.toAddress ?? record.body.to?.address, '+14155550199');
      assert.ok(record.body.answeredAt, 'recorded as answered');
      await closeTabs();
    });

    test('the phone hangs up: the agent sees the call end', async () => {
      const adaTab = await online(ada);
      callee.answerIncoming({ afterMs: 200 });
      const { call } = await dialWithMedia(adaTab, '+14155550199');
      await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'connected',
        'connected',
        SLOW,
      );
      await pollUntil(() => callee.inCall, 'the phone to be in the call');
      await callee.hangup();
      await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'disconnected' && view.endReason === 'hangup',
        'ended by the phone',
        5_000,
      );
      await closeTabs();
    });

    test('the line goes dead mid-call (no RTP, no BYE): the call ends failed, not hangup', async () => {
      const adaTab = await online(ada);
      callee.answerIncoming({ afterMs: 200 });
      const { call, participant } = await dialWithMedia(adaTab, '+14155550199');
      await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'connected',
        'connected',
        SLOW,
      );
      await participant.waitForFrames({ audio: 20 }, SLOW);
      callee.dropMedia();
      const droppedAt = Date.now();
      // LiveKit SIP's media timeout (4 s), its timer granularity, the webhook.
      const ended = await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'disconnected',
        'ended',
        SLOW,
      );
      assert.ok(Date.now() - droppedAt >= 3_000, 'ended by the media timeout, not before');
      assert.equal(ended.endReason, 'failed');
      const record = await requestJson(stack.server.url, 'GET', `/api/calls/${call.id}`, {
        token: stack.server.apiKey,
      });
      assert.equal(record.body.endReason, 'failed');
      assert.ok(record.body.answeredAt, 'it had been answered');
      await closeTabs();
    });

    test('the phone refuses (486 Busy): the call ends rejected; nothing connected', async () => {
      const adaTab = await online(ada);
      callee.answerIncoming({ afterMs: 200, status: 486 });
      const { call } = await dialWithMedia(adaTab, '+14155550199');
      const ended = await adaTab.waitForOutgoing(
        call.id,
        (view) => view.status === 'disconnected',
        'ended',
        SLOW,
      );
      assert.equal(ended.endReason, 'rejected');
      assert.equal(ended.answeredAt, null);
      await closeTabs();
    });
  },
);

async function pollUntil(
  condition: () => boolean,
  description: string,
  timeoutMs = SLOW,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
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
