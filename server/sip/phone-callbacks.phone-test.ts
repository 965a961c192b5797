/**
 * Calling a phone through the HTTP API (a callback), on real parts: `POST /api/calls` with a
 * phone number rings the test phone through LiveKit SIP's outbound trunk (whose carrier address
 * is the phone itself) from the tenant's caller ID; only once it answers does the group ring,
 * and the agent who accepts talks to the phone in the phone's own room. A phone that refuses
 * rings nobody and is recorded `rejected`; bad requests are refused before anything is dialled.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
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
  'calling a phone back through POST /api/calls',
  { skip: unavailable && `skipped: ${unavailable}` },
  () => {
    let stack: PhoneStack;
    let ada: TestUser;
    let callee: Softphone;
    const invites: SipMessage[] = [];
    const cleanups: (() => unknown)[] = [];
    const callPhone = (body: object) =>
      requestJson(stack.server.url, 'POST', '/api/calls', { token: stack.server.apiKey, body });

    before(async () => {
      callee = await Softphone.open({ number: '+14155550199', toneHz: 440 });
      callee.on('message', (message) => {
        if (message.method === 'INVITE') invites.push(message);
      });
      stack = await startPhoneStack(
        { ringTimeoutSeconds: 30, maxQueueWaitSeconds: 120, maxRingingCallbacksPerTenant: 1 },
        { outboundAddress: `127.0.0.1:${callee.sipPort}` },
      );
      const { server } = stack;
      ada = await server.createAgent('ada@callback.test', 'Ada Agent');
      const support = await server.tenant.createRingGroup('support', [ada.user.id]);
      const added = await requestJson(server.url, 'POST', '/api/phone-numbers', {
        token: server.apiKey,
        body: { number: '+14155550100', destination: { type: 'group', ringGroupId: support.id } },
      });
      assert.equal(added.status, 201);
      await server.app.services.sip!.provisioning.ready;
    });

    after(async () => {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
      callee?.close();
      await stack?.stop();
    });

    test('the phone rings first; once it answers the group rings; the agent talks to the phone', async () => {
      const tab = await AgentClient.connect(stack.server.sessionUrl(ada.token));
      cleanups.push(() => tab.close());
      await tab.online();
      callee.answerIncoming({ afterMs: 1_000 });
      let phoneAnsweredAt = 0;
      callee.once('answered', () => (phoneAnsweredAt = Date.now()));

      const started = await callPhone({
        from: '/group/support',
        to: '+1 (415) 555-0199',
        params: { reason: 'quote' },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.status, 'dialing');
      assert.deepEqual(started.body.to, { name: '+1 415 555 0199', address: '+14155550199' });
      assert.equal(started.body.from.address, '/group/support');
      const callbackId = started.body.callbackId as string;

      const ringing = await tab.waitForRinging([], SLOW);
      assert.ok(phoneAnsweredAt > 0, 'the agent rang only after the phone answered');
      assert.match(
        header(invites.at(-1)!, 'From') ?? '',
        /\+14155550100/,
        "the tenant's caller ID",
      );
      assert.equal(ringing.from.address, '+14155550199');
      assert.equal(ringing.params.callbackId, callbackId);
      assert.equal(ringing.params.reason, 'quote');

      await tab.request({ type: 'call.accept', callId: ringing.id });
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
      await agent.waitForFrames({ audio: 20 }, SLOW);
      await pollUntil(() => callee.heard().loudPackets >= 20, 'the phone to hear the agent');

      await callee.hangup();
      await tab.waitForCall(ringing.id, 'disconnected', 'hangup', 5_000);
      const record = await requestJson(stack.server.url, 'GET', `/api/calls/${ringing.id}`, {
        token: stack.server.apiKey,
      });
      assert.equal(record.body.origin, 'phone');
      assert.equal(record.body.params.callbackId, callbackId);
      assert.equal(record.body.endReason, 'hangup');
      assert.ok(record.body.answeredAt, 'answered by the agent');
      await agent.leave();
      await tab.close();
    });

    test('a phone that refuses (486): nobody rings; the callback is recorded rejected', async () => {
      const tab = await AgentClient.connect(stack.server.sessionUrl(ada.token));
      cleanups.push(() => tab.close());
      await tab.online();
      callee.answerIncoming({ afterMs: 200, status: 486 });
      const started = await callPhone({ from: '/group/support', to: '+14155550199' });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const callbackId = started.body.callbackId as string;
      let record;
      const deadline = Date.now() + SLOW;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        record = await requestJson(stack.server.url, 'GET', `/api/calls/${callbackId}`, {
          token: stack.server.apiKey,
        });
      } while (record.status === 404 && Date.now() < deadline);
      assert.equal(record.status, 200, 'the callback is recorded');
      assert.equal(record.body.endReason, 'rejected');
      assert.equal(record.body.answeredAt, null);
      assert.equal(record.body.from.address, '+14155550199');
      assert.equal(record.body.to.address, '/group/support');
      assert.ok(
        !tab.frames.some((frame) => frame.type === 'incoming_calls' && frame.calls.length > 0),
        'nobody rang',
      );
      await tab.close();
    });

    test("past the tenant's limit of ringing callbacks: 429 with the limit named, nothing dialled; other tenants unaffected; the place frees when the phone stops ringing", async () => {
      const sip = stack.server.app.services.sip!;
      const tenantId = stack.server.tenant.id;
      const rangBefore = invites.length;
      // The phone rings for 3 s, then refuses: one callback is ringing meanwhile.
      callee.answerIncoming({ afterMs: 3_000, status: 486 });
      const ringingNow = new Promise((resolve) => callee.once('ringing', resolve));
      const first = await callPhone({ from: '/group/support', to: '+14155550199' });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      await ringingNow;
      assert.equal(sip.callbacksRinging(tenantId), 1);

      const refused = await callPhone({ from: '/group/support', to: '+14155550198' });
      assert.equal(refused.status, 429, JSON.stringify(refused.body));
      assert.equal(refused.body.error, 'too-many-requests');
      assert.match(
        String(refused.body.message),
        /at most 1 callbacks may ring phones at once for this tenant \(MAX_RINGING_CALLBACKS_PER_TENANT\); nothing was dialled/,
      );
      assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'Retry-After');

      // Another tenant has its own count: its callback is dialled (the busy phone refuses it).
      const other = stack.server.otherTenant;
      const otherSupport = await other.createRingGroup('support', []);
      const otherNumber = await requestJson(stack.server.url, 'POST', '/api/phone-numbers', {
        token: other.apiKey,
        body: {
          number: '+14155550300',
          destination: { type: 'group', ringGroupId: otherSupport.id },
        },
      });
      assert.equal(otherNumber.status, 201, JSON.stringify(otherNumber.body));
      const others = await requestJson(stack.server.url, 'POST', '/api/calls', {
        token: other.apiKey,
        body: { from: '/group/support', to: '+14155550199' },
      });
      assert.equal(others.status, 202, JSON.stringify(others.body));
      await pollUntil(() => invites.length >= rangBefore + 2, "the other tenant's INVITE");
      assert.ok(
        !invites.slice(rangBefore).some((invite) => invite.uri?.includes('+14155550198')),
        'the refused number was never dialled',
      );

      // The phone refuses after its 3 s: the place is free again.
      await pollUntil(() => sip.callbacksRinging(tenantId) === 0, 'the first callback to end');
      const again = await callPhone({ from: '/group/support', to: '+14155550199' });
      assert.equal(again.status, 202, JSON.stringify(again.body));
      await pollUntil(() => sip.callbacksRinging(tenantId) === 0, 'the last callback to end');
    });

    test('bad requests are refused before anything is dialled', async () => {
      const invitesBefore = invites.length;
      const cases: [string, object, number, RegExp][] = [
        ['malformed number', { from: '/group/support', to: '+1 555' }, 400, /not a valid/],
        ['unknown group', { from: '/group/nobody', to: '+14155550199' }, 404, /no ring group/],
        ['unknown person', { from: '/private/nobody', to: '+14155550199' }, 404, /nobody at/],
        ['from is not an address', { from: 'Ada', to: '+14155550199' }, 400, /\/group\/<name>/],
        [
          'a script',
          { from: '/group/support', to: '+14155550199', script: [{ pause: 1 }] },
          400,
          /no script/,
        ],
      ];
      for (const [name, body, status, message] of cases) {
        const refused = await callPhone(body);
        assert.equal(refused.status, status, `${name}: ${JSON.stringify(refused.body)}`);
        assert.match(String(refused.body.message), message, name);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(invites.length, invitesBefore, 'nothing was dialled');
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
