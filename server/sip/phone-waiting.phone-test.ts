/**
 * A phone caller's waiting audio on real parts (redis-server, livekit-server in Redis mode,
 * LiveKit SIP, the test phone of tools/softphone, an agent as a session WebSocket with rtc-node
 * media): a group with a greeting (an 880 Hz file) and the built-in music (523/659 Hz) answers
 * the phone before any agent does; the phone hears the greeting, then the music; the agent's
 * accept stops the music and the phone hears the agent (440 Hz) at once; a hold plays the music
 * again while the agent hears nothing (no audio frame above silence), and a resume stops it and
 * the agent hears the phone again. Pitches tell the sounds apart (tools/softphone/tones.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson, type TestUser } from '../test/harness.ts';
import { RtcParticipant, releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { findFfmpeg } from '../media-script/ffmpeg-binary.ts';
import { makeToneFile } from '../media-script/testing/sample-media.ts';
import { Softphone } from '../../tools/softphone/softphone.ts';
import { framesAt, toneFrequencies } from '../../tools/softphone/tones.ts';
import { SAMPLE_RATE } from '../../tools/softphone/rtp-session.ts';
import { phoneStackUnavailable, startPhoneStack, type PhoneStack } from './testing/phone-stack.ts';

type CallMedia = Extract<ServerMessage, { type: 'call_media' }>;

const ffmpeg = findFfmpeg(undefined);
const unavailable = phoneStackUnavailable() ?? ('problem' in ffmpeg ? ffmpeg.problem : undefined);
after(() => releaseRtcNode());
const SLOW = 20_000;
const GREETING_HZ = 880;
const MUSIC_HZ = [523, 659];
const AGENT_HZ = 440;
const ANNOUNCEMENT_HZ = 700;
// Below every other sound here: a frame spanning two tones reads as a pitch between them, and
// none between these two is near support's greeting or music.
const SALES_GREETING_HZ = 350;
const SALES_MUSIC_HZ = 400;

describe(
  "what phone callers hear: a group's greeting and music, a number's script",
  { skip: unavailable && `skipped: ${unavailable}` },
  () => {
    let stack: PhoneStack;
    let ada: TestUser;
    let bob: TestUser;
    let mediaDir: string;
    const cleanups: (() => unknown)[] = [];

    before(async () => {
      mediaDir = mkdtempSync(join(tmpdir(), 'phone-waiting-'));
      await makeToneFile(ffmpeg.path!, mediaDir, 'welcome.wav', GREETING_HZ, 2);
      await makeToneFile(ffmpeg.path!, mediaDir, 'opening-hours.wav', ANNOUNCEMENT_HZ, 2);
      await makeToneFile(ffmpeg.path!, mediaDir, 'sales-welcome.wav', SALES_GREETING_HZ, 2);
      await makeToneFile(ffmpeg.path!, mediaDir, 'sales-music.wav', SALES_MUSIC_HZ, 1);
      stack = await startPhoneStack({
        ringTimeoutSeconds: 60,
        maxQueueWaitSeconds: 120,
        scriptMediaDir: mediaDir,
      });
      const { server } = stack;
      ada = await server.createAgent('ada@waiting.test', 'Ada Agent');
      const group = await requestJson(server.url, 'POST', '/api/ring-groups', {
        token: server.apiKey,
        body: {
          name: 'support',
          members: [ada.user.id],
          queueGreeting: 'welcome.wav',
          queueMusic: 'tone',
        },
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      bob = await server.createAgent('bob@waiting.test', 'Bob Agent');
      const sales = await requestJson(server.url, 'POST', '/api/ring-groups', {
        token: server.apiKey,
        body: {
          name: 'sales',
          members: [bob.user.id],
          queueGreeting: 'sales-welcome.wav',
          queueMusic: 'sales-music.wav',
        },
      });
      assert.equal(sales.status, 201, JSON.stringify(sales.body));
      const number = await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: {
          number: '+14155550100',
          destination: { type: 'group', ringGroupId: group.body.id },
        },
      });
      assert.equal(number.status, 201);
      await server.app.services.sip!.provisioning.ready;
    });

    after(async () => {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
      await stack?.stop();
      rmSync(mediaDir, { recursive: true, force: true });
    });

    test('greeting, then music before any agent answers; accept stops it and connects the agent; hold plays it again to the phone while the agent hears silence', async () => {
      const sip = stack.server.app.services.sip!;
      const tab = await AgentClient.connect(stack.server.sessionUrl(ada.token));
      cleanups.push(() => tab.close());
      await tab.online();
      const phone = await Softphone.open({ number: '+14155550123', toneHz: 300 });
      cleanups.push(() => phone.close());
      const answered = phone.dial(stack.sipAddress, '+14155550100');
      const ringing = await tab.waitForRinging([], SLOW);

      // Nobody accepted: the waiting audio answered the phone, and it hears the greeting.
      assert.equal((await withTimeout(answered, SLOW, 'the 200 OK')).status, 200);
      await pollUntil(
        () => framesAt(phone.heard().samples, GREETING_HZ) >= 10,
        'the phone to hear the greeting',
      );
      // Then the music, once the greeting is over; the agent's card still rings.
      const afterGreeting = phone.heard().samples.length;
      await pollUntil(() => {
        const since = phone.heard().samples.subarray(afterGreeting);
        return MUSIC_HZ.every((hz) => framesAt(since, hz) >= 5);
      }, 'the phone to hear both notes of the music after the greeting');
      assert.equal(tab.calls.find((call) => call.id === ringing.id)?.status, 'ringing');
      assert.equal(sip.waitingAudioPlaying, 1);

      // Accept: the music stops, the phone hears the agent.
      await tab.request({ type: 'call.accept', callId: ringing.id });
      const acceptedAt = phone.heard().samples.length;
      await pollUntil(() => sip.waitingAudioPlaying === 0, 'the waiting audio to stop');
      const frame = await tab.waitUntil(
        () =>
          tab.frames.find(
            (candidate): candidate is CallMedia =>
              candidate.type === 'call_media' && candidate.callId === ringing.id,
          ),
        'call_media',
        SLOW,
      );
      const agent = await RtcParticipant.join(frame.url, frame.token, { audio: true });
      cleanups.push(() => agent.leave());
      await pollUntil(
        () => framesAt(phone.heard().samples.subarray(acceptedAt), AGENT_HZ) >= 10,
        'the phone to hear the agent',
      );
      await agent.waitForFrames({ audio: 20 }, SLOW);
      // The last second is the agent's alone: no note of the music is left in it.
      const lastSecond = () => phone.heard().samples.slice(-SAMPLE_RATE);
      await pollUntil(
        () =>
          framesAt(lastSecond(), AGENT_HZ) >= 15 &&
          MUSIC_HZ.every((hz) => framesAt(lastSecond(), hz) === 0),
        'a second of the agent without music',
      );

      // Hold: the agent's console mutes its microphone; the phone hears the music again.
      const held = await tab.request({ type: 'call.hold', callId: ringing.id });
      assert.equal(held.type, 'ok', JSON.stringify(held));
      agent.microphoneMuted = true;
      const heldAt = phone.heard().samples.length;
      await pollUntil(() => {
        const since = phone.heard().samples.subarray(heldAt);
        return MUSIC_HZ.every((hz) => framesAt(since, hz) >= 5);
      }, 'the phone to hear the music on hold');
      assert.equal(
        framesAt(phone.heard().samples.subarray(heldAt), GREETING_HZ),
        0,
        'no greeting on hold',
      );
      // Meanwhile the agent hears nothing: neither the music nor the phone's own tone (it goes
      // on sending) reaches it. Two seconds of the music playing to the phone, not one audio
      // frame above silence at the agent.
      const agentHeardBefore = agent.received.audioFrames;
      const musicHeardBefore = phone.heard().samples.length;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.ok(
        MUSIC_HZ.every((hz) => framesAt(phone.heard().samples.subarray(musicHeardBefore), hz) >= 5),
        'the phone heard the music throughout',
      );
      assert.equal(
        agent.received.audioFrames - agentHeardBefore,
        0,
        'audio frames above silence the agent received during 2 s of hold',
      );
      // Resume: the music stops, the agent is heard again and hears the phone again.
      const resumed = await tab.request({ type: 'call.resume', callId: ringing.id });
      assert.equal(resumed.type, 'ok', JSON.stringify(resumed));
      agent.microphoneMuted = false;
      await pollUntil(() => sip.waitingAudioPlaying === 0, 'the music on hold to stop');
      await agent.waitForFrames({ audio: agentHeardBefore + 20 }, SLOW);
      await pollUntil(
        () =>
          framesAt(lastSecond(), AGENT_HZ) >= 15 &&
          MUSIC_HZ.every((hz) => framesAt(lastSecond(), hz) === 0),
        'a second of the agent without music after resuming',
      );

      await phone.hangup();
      await tab.waitForCall(ringing.id, 'disconnected', 'hangup', 5_000);
    });

    test("a blind transfer to another group: the caller hears that group's greeting and music, not the first group's", async () => {
      const sip = stack.server.app.services.sip!;
      const adaTab = await AgentClient.connect(stack.server.sessionUrl(ada.token));
      cleanups.push(() => adaTab.close());
      await adaTab.online();
      const bobTab = await AgentClient.connect(stack.server.sessionUrl(bob.token));
      cleanups.push(() => bobTab.close());
      await bobTab.online();
      const phone = await Softphone.open({ number: '+14155550125', toneHz: 300 });
      cleanups.push(() => phone.close());
      const answered = phone.dial(stack.sipAddress, '+14155550100');
      const ringing = await adaTab.waitForRinging([], SLOW);
      assert.equal((await withTimeout(answered, SLOW, 'the 200 OK')).status, 200);
      await pollUntil(
        () => framesAt(phone.heard().samples, GREETING_HZ) >= 10,
        "the phone to hear support's greeting",
      );
      await adaTab.request({ type: 'call.accept', callId: ringing.id });
      await pollUntil(() => sip.waitingAudioPlaying === 0, 'the waiting audio to stop on accept');
      // Ada publishes nothing: once the greeting's last packets are through, the line is quiet.
      await pollUntil(
        () => toneFrequencies(phone.heard().samples.slice(-SAMPLE_RATE / 2)).length === 0,
        'half a second of silence after the accept',
      );

      const transferred = await adaTab.request({
        type: 'call.transfer',
        callId: ringing.id,
        to: '/group/sales',
        mode: 'blind',
      });
      assert.equal(transferred.type, 'ok', JSON.stringify(transferred));
      const transferredAt = phone.heard().samples.length;
      await bobTab.waitUntil(
        () => bobTab.calls.find((call) => call.id === ringing.id && call.status === 'ringing'),
        'the transferred call ringing for Bob',
        SLOW,
      );
      const sinceTransfer = () => phone.heard().samples.subarray(transferredAt);
      await pollUntil(
        () => framesAt(sinceTransfer(), SALES_GREETING_HZ) >= 10,
        "the phone to hear sales' greeting",
      );
      await pollUntil(
        () => framesAt(sinceTransfer(), SALES_MUSIC_HZ) >= 10,
        "the phone to hear sales' music",
      );
      assert.deepEqual(
        [GREETING_HZ, ...MUSIC_HZ].map((hz) => framesAt(sinceTransfer(), hz)),
        [0, 0, 0],
        "none of support's greeting or music after the transfer",
      );

      // Bob takes the call: the music stops.
      await bobTab.request({ type: 'call.accept', callId: ringing.id });
      await pollUntil(() => sip.waitingAudioPlaying === 0, 'the music to stop when Bob answers');
      await phone.hangup();
      await bobTab.waitForCall(ringing.id, 'disconnected', 'hangup', 5_000);
    });

    test('a number routed to a script plays it to the caller, then hangs up; nobody rings', async () => {
      const { server } = stack;
      const sip = server.app.services.sip!;
      const added = await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: {
          number: '+14155550150',
          destination: {
            type: 'script',
            script: [{ play: 'opening-hours.wav' }, { pause: 0.5 }, { hangup: true }],
          },
        },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const tab = await AgentClient.connect(server.sessionUrl(ada.token));
      cleanups.push(() => tab.close());
      await tab.online();
      const callsBefore = (
        await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey })
      ).body.calls.length;

      const phone = await Softphone.open({ number: '+14155550123', toneHz: 300 });
      cleanups.push(() => phone.close());
      const bye = new Promise<string>((resolve) => phone.once('ended', resolve));
      const answered = await withTimeout(
        phone.dial(stack.sipAddress, '+14155550150'),
        SLOW,
        'the 200 OK',
      );
      assert.equal(answered.status, 200, 'the script answers the phone');
      await pollUntil(
        () => framesAt(phone.heard().samples, ANNOUNCEMENT_HZ) >= 10,
        'the phone to hear the announcement',
      );
      // 2 s of announcement, 0.5 s of pause, then the hang-up: the phone gets its BYE.
      assert.equal(await withTimeout(bye, SLOW, 'the BYE'), 'remote');
      await pollUntil(() => sip.scriptsPlaying === 0, 'the script participant to be gone');
      assert.ok(
        !tab.frames.some((frame) => frame.type === 'incoming_calls' && frame.calls.length > 0),
        'nobody rang',
      );
      // Nobody rang, but the call is in the records: from the phone, to the number, answered
      // by the announcement (no agent, no legs), ended by the script's hang-up.
      const records = async () =>
        (await requestJson(server.url, 'GET', '/api/calls', { token: server.apiKey })).body
          .calls as Record<string, unknown>[];
      const afterAnnouncement = await records();
      assert.equal(afterAnnouncement.length, callsBefore + 1, 'the announcement is recorded');
      const recorded = afterAnnouncement[0];
      assert.equal(recorded.origin, 'phone');
      assert.equal((recorded.from as { address: string }).address, '+14155550123');
      assert.equal((recorded.to as { address: string }).address, '+14155550150');
      assert.equal(recorded.ringGroup, null);
      assert.equal(recorded.status, 'ended');
      assert.equal(recorded.endReason, 'hangup');
      assert.equal(recorded.answeredBy, null);
      assert.equal(typeof recorded.answeredAt, 'number', 'the announcement answered the phone');
      assert.ok((recorded.talkMs as number) >= 2_000, `talk ${String(recorded.talkMs)} ms`);
      assert.deepEqual(recorded.legs, []);

      // The caller hanging up first stops the script at once.
      const early = await Softphone.open({ number: '+14155550124', toneHz: 300 });
      cleanups.push(() => early.close());
      assert.equal(
        (await withTimeout(early.dial(stack.sipAddress, '+14155550150'), SLOW, '200')).status,
        200,
      );
      await pollUntil(() => sip.scriptsPlaying === 1, 'the script to play');
      await early.hangup();
      await pollUntil(
        () => sip.scriptsPlaying === 0,
        'the script to stop when the caller hangs up',
        5_000,
      );
      const afterEarly = await records();
      assert.equal(afterEarly.length, callsBefore + 2, 'the early hang-up is recorded too');
      assert.equal(afterEarly[0].status, 'ended');
      assert.equal(afterEarly[0].endReason, 'hangup', 'the caller hung up after the answer');
      assert.equal((afterEarly[0].from as { address: string }).address, '+14155550124');
    });
  },
);

async function pollUntil(condition: () => boolean, description: string, timeoutMs = SLOW) {
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
