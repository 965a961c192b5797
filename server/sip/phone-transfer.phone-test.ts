/**
 * A warm transfer of a phone call to a phone number, on real parts (redis-server, livekit-server
 * in Redis mode, LiveKit SIP, two test phones of tools/softphone: the customer calling in, and
 * the number, which is the outbound trunk's carrier; the agent as a session WebSocket with
 * rtc-node media). The agent consults the number (the customer holds, hearing the group's
 * music), talks to it, then completes (the customer and the number hear each other, the agent
 * is free, both calls end `transferred`) or cancels (the number gets BYE, the customer comes
 * back to the agent). Pitches tell the voices apart (tools/softphone/tones.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson, type TestUser } from '../test/harness.ts';
import { RtcParticipant, releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { findFfmpeg } from '../media-script/ffmpeg-binary.ts';
import { Softphone } from '../../tools/softphone/softphone.ts';
import { framesAt } from '../../tools/softphone/tones.ts';
import { phoneStackUnavailable, startPhoneStack, type PhoneStack } from './testing/phone-stack.ts';

type CallMedia = Extract<ServerMessage, { type: 'call_media' }>;

const ffmpeg = findFfmpeg(undefined);
const unavailable = phoneStackUnavailable() ?? ('problem' in ffmpeg ? ffmpeg.problem : undefined);
after(() => releaseRtcNode());
const SLOW = 20_000;
const CUSTOMER_HZ = 300;
const AGENT_HZ = 440;
const NUMBER_HZ = 750;
const MUSIC_HZ = [523, 659];
const NUMBER = '+14155550142';

describe(
  'a warm transfer of a phone call to a phone number',
  { skip: unavailable && `skipped: ${unavailable}` },
  () => {
    let stack: PhoneStack;
    let ada: TestUser;
    /** The number consulted: the outbound trunk's carrier address is its SIP port. */
    let number: Softphone;
    const cleanups: (() => unknown)[] = [];

    before(async () => {
      number = await Softphone.open({ number: NUMBER, toneHz: NUMBER_HZ });
      stack = await startPhoneStack(
        { ringTimeoutSeconds: 30, maxQueueWaitSeconds: 120 },
        { outboundAddress: `127.0.0.1:${number.sipPort}` },
      );
      const { server } = stack;
      ada = await server.createAgent('ada@warm.test', 'Ada Agent');
      const support = await requestJson(server.url, 'POST', '/api/ring-groups', {
        token: server.apiKey,
        body: { name: 'support', members: [ada.user.id], queueMusic: 'tone' },
      });
      assert.equal(support.status, 201, JSON.stringify(support.body));
      const added = await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: {
          number: '+14155550100',
          destination: { type: 'group', ringGroupId: support.body.id },
        },
      });
      assert.equal(added.status, 201);
      await server.app.services.sip!.provisioning.ready;
    });

    after(async () => {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
      number?.close();
      await stack?.stop();
    });

    /** Ada takes a customer's call and starts consulting the number, which answers. */
    async function consulting() {
      const tab = await AgentClient.connect(stack.server.sessionUrl(ada.token));
      cleanups.push(() => tab.close());
      await tab.online();
      const customer = await Softphone.open({ number: '+14155550123', toneHz: CUSTOMER_HZ });
      cleanups.push(() => customer.close());
      const answered = customer.dial(stack.sipAddress, '+14155550100');
      const ringing = await tab.waitForRinging([], SLOW);
      await tab.request({ type: 'call.accept', callId: ringing.id });
      const agent = await RtcParticipant.join(
        (await mediaFrame(tab, ringing.id)).url,
        (await mediaFrame(tab, ringing.id)).token,
        { audio: true },
      );
      cleanups.push(() => agent.leave());
      assert.equal((await answered).status, 200);
      await pollUntil(
        () => framesAt(customer.heard().samples, AGENT_HZ) >= 10,
        'the customer to hear the agent',
      );

      // What the number hears from this consultation on (it keeps what earlier calls played).
      const numberFrom = number.heard().samples.length;
      const numberHeard = () => number.heard().samples.subarray(numberFrom);
      number.answerIncoming({ afterMs: 500 });
      const numberAnswered = new Promise((resolve) => number.once('answered', resolve));
      const transfer = await tab.request(
        { type: 'call.transfer', callId: ringing.id, to: '+1 415 555 0142', mode: 'warm' },
        SLOW,
      );
      assert.equal(transfer.type, 'ok', JSON.stringify(transfer));
      const heldAt = customer.heard().samples.length;
      // The consultation is a call of the agent's own, to the number, in a room of its own.
      const consultationMedia = await tab.waitUntil(
        () =>
          tab.frames.find(
            (frame): frame is CallMedia =>
              frame.type === 'call_media' && frame.callId !== ringing.id,
          ),
        'call_media of the consultation',
        SLOW,
      );
      const consultationAgent = await RtcParticipant.join(
        consultationMedia.url,
        consultationMedia.token,
        { audio: true },
      );
      cleanups.push(() => consultationAgent.leave());
      await withTimeout(numberAnswered, SLOW, 'the number to answer');
      // The agent and the number hear each other; the customer hears the music, not them.
      await consultationAgent.waitForFrames({ audio: 20 }, SLOW);
      await pollUntil(
        () => framesAt(numberHeard(), AGENT_HZ) >= 10,
        'the number to hear the agent',
      );
      await pollUntil(() => {
        const since = customer.heard().samples.subarray(heldAt);
        return MUSIC_HZ.every((hz) => framesAt(since, hz) >= 5);
      }, 'the customer to hear the music on hold');
      // A voice that leaks reads as its pitch in dozens of frames a second; a frame where two
      // sounds meet can read as a pitch in between (seen once: 1 frame at 300 Hz), so up to 2.
      const onHold = customer.heard().samples.subarray(heldAt);
      assert.ok(framesAt(onHold, NUMBER_HZ) <= 2, 'the customer did not hear the number');
      assert.ok(framesAt(numberHeard(), CUSTOMER_HZ) <= 2, 'the number did not hear the customer');
      for (const hz of MUSIC_HZ)
        assert.ok(framesAt(numberHeard(), hz) <= 2, 'the number heard no music');
      await tab.waitUntil(
        () =>
          tab.frames.some(
            (frame) =>
              frame.type === 'incoming_calls' &&
              frame.calls.some(
                (call) => call.id === ringing.id && call.transfer?.status === 'consulting',
              ),
          ),
        'the transfer consulting',
        SLOW,
      );
      return {
        tab,
        customer,
        callId: ringing.id,
        consultationId: consultationMedia.callId,
        agents: [agent, consultationAgent],
      };
    }

    test('complete: the customer and the number talk, the agent is free, both calls end transferred and the records show the transfer once', async () => {
      const sip = stack.server.app.services.sip!;
      const { tab, customer, callId, consultationId, agents } = await consulting();
      const numberHeardBefore = number.heard().samples.length;
      const customerHeardBefore = customer.heard().samples.length;

      const completed = await tab.request({ type: 'call.transfer.complete', callId }, SLOW);
      assert.equal(completed.type, 'ok', JSON.stringify(completed));
      const ended = await tab.waitForCall(callId, 'disconnected', 'transferred', SLOW);
      assert.equal(ended.endReason, 'transferred');
      for (const agent of agents) await agent.leave();
      assert.equal(sip.bridged, 1);

      await pollUntil(
        () => framesAt(customer.heard().samples.subarray(customerHeardBefore), NUMBER_HZ) >= 20,
        'the customer to hear the number',
      );
      await pollUntil(
        () => framesAt(number.heard().samples.subarray(numberHeardBefore), CUSTOMER_HZ) >= 20,
        'the number to hear the customer',
      );
      const lastSecond = customer.heard().samples.slice(-8_000);
      // The agent's voice would fill the second (about 50 frames); up to 2 where sounds meet.
      assert.ok(framesAt(lastSecond, AGENT_HZ) <= 2, 'the agent is gone from the line');

      const record = async (id: string) =>
        (
          await requestJson(stack.server.url, 'GET', `/api/calls/${id}`, {
            token: stack.server.apiKey,
          })
        ).body;
      const customerCall = await record(callId);
      assert.equal(customerCall.endReason, 'transferred');
      assert.equal(customerCall.answeredBy.name, 'Ada Agent');
      const consultation = await record(consultationId);
      assert.equal(consultation.endReason, 'transferred');
      assert.equal(consultation.to.address, NUMBER);
      const list = await requestJson(stack.server.url, 'GET', '/api/calls?limit=50', {
        token: stack.server.apiKey,
      });
      const rows = (list.body.calls ?? list.body.items ?? list.body) as { id: string }[];
      assert.equal(rows.filter((row) => row.id === callId).length, 1, "the customer's call once");

      // The customer hangs up: the number gets its BYE and the bridge is gone.
      const bye = new Promise<string>((resolve) => number.once('ended', resolve));
      await customer.hangup();
      assert.equal(await withTimeout(bye, SLOW, "the number's BYE"), 'remote');
      await pollUntil(() => sip.bridged === 0, 'the bridge to close');
      await tab.close();
    });

    test('cancel: the number gets BYE, the customer is back with the agent without music', async () => {
      const sip = stack.server.app.services.sip!;
      const { tab, customer, callId, consultationId, agents } = await consulting();
      const bye = new Promise<string>((resolve) => number.once('ended', resolve));
      const cancelled = await tab.request({ type: 'call.transfer.cancel', callId }, SLOW);
      assert.equal(cancelled.type, 'ok', JSON.stringify(cancelled));
      assert.equal(await withTimeout(bye, SLOW, "the number's BYE"), 'remote');
      await tab.waitForCall(consultationId, 'disconnected', undefined, SLOW).catch(() => undefined);
      await pollUntil(() => sip.waitingAudioPlaying === 0, 'the music to stop');
      const lastSecond = () => customer.heard().samples.slice(-8_000);
      await pollUntil(
        () =>
          framesAt(lastSecond(), AGENT_HZ) >= 15 &&
          MUSIC_HZ.every((hz) => framesAt(lastSecond(), hz) === 0),
        'a second of the agent without music',
      );
      // The agent hears the customer again.
      const heard = agents[0].received.audioFrames;
      await agents[0].waitForFrames({ audio: heard + 20 }, SLOW);
      assert.equal(sip.bridged, 0);
      await customer.hangup();
      await tab.waitForCall(callId, 'disconnected', 'hangup', SLOW);
      for (const agent of agents) await agent.leave();
      await tab.close();
    });
  },
);

async function mediaFrame(tab: AgentClient, callId: string): Promise<CallMedia> {
  return tab.waitUntil(
    () =>
      tab.frames.find(
        (frame): frame is CallMedia => frame.type === 'call_media' && frame.callId === callId,
      ),
    `call_media for ${callId}`,
    SLOW,
  );
}

async function pollUntil(condition: () => boolean, description: string, timeoutMs = SLOW) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms,
      ).unref(),
    ),
  ]);
}
