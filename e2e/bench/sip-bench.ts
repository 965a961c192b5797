/**
 * `npm run bench:sip`: what phone calls cost, on real parts (server/sip/testing/phone-stack.ts:
 * redis-server, livekit-server in Redis mode, LiveKit SIP, call control), over BENCH_CALLS (20)
 * calls from the test phone (tools/softphone, G.711 over UDP) to a ring group of one agent.
 *
 * 1. Added delay: from the moment livekit-server says the phone's participant joined its room
 *    (ParticipantInfo.joinedAtMs, read back from RoomService) to the agent's `incoming_calls`
 *    frame with the call ringing: what Switchboard adds beyond LiveKit SIP (the webhook, the
 *    number lookup, routing). Also INVITE → ringing in all, for reference. Target p95 < 100 ms.
 * 2. Accept → phone audio: from the agent's `call.accept` to the first loud RTP packet at the
 *    phone. The agent is a session WebSocket whose media is LiveKit's Node SDK (rtc-node)
 *    publishing a tone, joined when `call_media` arrives (a console has its LiveKit chunk and
 *    microphone ready ahead of the accept; rtc-node joins cold each call, so this is an upper
 *    bound). Target p50 < 600 ms.
 *
 * Prints each call, the percentiles with PASS/FAIL, and one JSON line for machines. Exits 1 on
 * FAIL; skips with one line (exit 0) where the machine cannot run LiveKit SIP.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { AgentClient } from '../../server/session/testing/agent-client.ts';
import { requestJson } from '../../server/test/harness.ts';
import { RtcParticipant, releaseRtcNode } from '../../server/media/testing/rtc-participant.ts';
import { phoneStackUnavailable, startPhoneStack } from '../../server/sip/testing/phone-stack.ts';
import { Softphone } from '../../tools/softphone/softphone.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

const calls = Number(process.env.BENCH_CALLS ?? 20);
const addedDelayP95TargetMs = 100;
const acceptToAudioP50TargetMs = 600;
const SLOW = 20_000;

interface CallFigures {
  inviteToRingingMs: number;
  addedDelayMs: number;
  acceptToPhoneAudioMs: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<number> {
  const unavailable = phoneStackUnavailable();
  if (unavailable) {
    console.log(`bench:sip skipped: ${unavailable}`);
    return 0;
  }
  const stack = await startPhoneStack({ ringTimeoutSeconds: 30, maxQueueWaitSeconds: 60 });
  const figures: CallFigures[] = [];
  let tab: AgentClient | undefined;
  try {
    const { server } = stack;
    const ada = await server.createAgent('ada@bench-sip.test', 'Ada Agent');
    const support = await server.tenant.createRingGroup('support', [ada.user.id]);
    const added = await requestJson(server.url, 'POST', '/api/phone-numbers', {
      token: server.apiKey,
      body: { number: '+14155550100', destination: { type: 'group', ringGroupId: support.id } },
    });
    assert.equal(added.status, 201);
    await server.app.services.sip!.provisioning.ready;
    const media = server.app.services.media;
    tab = await AgentClient.connect(server.sessionUrl(ada.token));
    await tab.online();
    const agentTab = tab;
    const seen: string[] = [];

    for (let index = 1; index <= calls; index++) {
      const phone = await Softphone.open({ number: '+14155550123', toneHz: 440 });
      let participant: RtcParticipant | undefined;
      try {
        const invitedAt = Date.now();
        const answered = phone.dial(stack.sipAddress, '+14155550100');
        const ringing = await agentTab.waitForRinging(seen, SLOW);
        const ringingAt = Date.now();
        seen.push(ringing.id);
        const where = media.phoneOf(ringing.id);
        assert.ok(where, 'the phone is a party of its call');
        const listed = await media.backend.rooms.listParticipants(where.room);
        const joined = listed.find((candidate) => candidate.identity === where.identity);
        assert.ok(joined, "LiveKit lists the phone's participant");
        const joinedAtMs = Number(joined.joinedAtMs) || Number(joined.joinedAt) * 1000;

        const acceptedAt = performance.now();
        const frameCount = agentTab.frames.length;
        agentTab.send({ type: 'call.accept', callId: ringing.id });
        const frame = await agentTab.waitUntil(
          () =>
            agentTab.frames
              .slice(frameCount)
              .find(
                (candidate): candidate is CallMediaFrame =>
                  candidate.type === 'call_media' && candidate.callId === ringing.id,
              ),
          'call_media',
          SLOW,
        );
        participant = await RtcParticipant.join(frame.url, frame.token, { audio: true });
        assert.equal((await answered).status, 200);
        const deadline = Date.now() + SLOW;
        while (phone.heard().firstSoundAt === undefined) {
          if (Date.now() > deadline) throw new Error('the phone never heard the agent');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const call: CallFigures = {
          inviteToRingingMs: ringingAt - invitedAt,
          addedDelayMs: ringingAt - joinedAtMs,
          acceptToPhoneAudioMs: phone.heard().firstSoundAt! - acceptedAt,
        };
        figures.push(call);
        console.log(
          `call ${String(index).padStart(2)}: INVITE→ringing ${round(call.inviteToRingingMs)} ms, ` +
            `added ${round(call.addedDelayMs)} ms, Accept→phone audio ${round(call.acceptToPhoneAudioMs)} ms`,
        );
        await phone.hangup();
        await agentTab.waitForCall(ringing.id, 'disconnected', 'hangup', SLOW);
      } finally {
        await participant?.leave().catch(() => undefined);
        phone.close();
      }
    }
  } finally {
    await tab?.close().catch(() => undefined);
    await stack.stop();
    await releaseRtcNode();
  }

  const added = figures.map((call) => call.addedDelayMs);
  const accept = figures.map((call) => call.acceptToPhoneAudioMs);
  const invite = figures.map((call) => call.inviteToRingingMs);
  const addedP95 = percentile(added, 95);
  const acceptP50 = percentile(accept, 50);
  const addedPass = addedP95 < addedDelayP95TargetMs;
  const acceptPass = acceptP50 < acceptToAudioP50TargetMs;
  console.log('');
  console.log(
    `INVITE → ringing: p50 ${round(percentile(invite, 50))} ms, p95 ${round(percentile(invite, 95))} ms`,
  );
  console.log(
    `added delay (participant joined → ringing): p50 ${round(percentile(added, 50))} ms, ` +
      `p95 ${round(addedP95)} ms (target p95 < ${addedDelayP95TargetMs} ms) ${addedPass ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `Accept → phone audio: p50 ${round(acceptP50)} ms, p95 ${round(percentile(accept, 95))} ms ` +
      `(target p50 < ${acceptToAudioP50TargetMs} ms) ${acceptPass ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    JSON.stringify({
      bench: 'sip',
      calls: figures.length,
      inviteToRingingMs: { p50: round(percentile(invite, 50)), p95: round(percentile(invite, 95)) },
      addedDelayMs: { p50: round(percentile(added, 50)), p95: round(addedP95), pass: addedPass },
      acceptToPhoneAudioMs: {
        p50: round(acceptP50),
        p95: round(percentile(accept, 95)),
        pass: acceptPass,
      },
    }),
  );
  return addedPass && acceptPass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
