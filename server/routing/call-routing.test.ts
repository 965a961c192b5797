/**
 * Routing over real sockets. Ring groups: who rings, first accept wins, rejects, retries, the
 * queue, busy agents, hang-ups. Private calls: every tab rings, ring timeout, declines, and a
 * call belongs to the tab that answered it. Each test makes its own agents and groups on one
 * shared server and the tests run concurrently, so their waits overlap.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../test/harness.ts';
import {
  closeAll,
  getCall,
  onlineAgent,
  openTab,
  placeCall,
  waitForCallState,
} from '../session/testing/scenario.ts';

let server: TestServer;
before(async () => {
  // Private calls give up after one ring timeout; groups set their own timings below.
  server = await startTestServer({ ringTimeoutSeconds: 1 });
});
after(() => server.close());

/** Groups ring 10 s per attempt unless a test needs otherwise: long enough for a busy machine. */
const createGroup = (
  name: string,
  memberIds: string[],
  settings: {
    ringTimeoutSeconds?: number;
    retryIntervalSeconds?: number;
    maxWaitSeconds?: number;
  } = {},
) => server.tenant.createRingGroup(name, memberIds, { ringTimeoutSeconds: 10, ...settings });

describe('ring groups', { concurrency: true }, () => {
  test('a group call rings every available member at once, and only them', async () => {
    const ready = await Promise.all([1, 2, 3].map((n) => onlineAgent(server, `ring${n}@t.test`)));
    const away = await onlineAgent(server, 'ring-away@t.test');
    const notOnline = await onlineAgent(server, 'ring-not-online@t.test', undefined, {
      online: false,
    });
    await away.tab.request({ type: 'presence.set', presence: 'away' });
    const members = [...ready, away, notOnline];
    await createGroup(
      'ring-all',
      members.map((member) => member.user.id),
    );

    const call = await placeCall(server, '/group/ring-all', {
      from: { name: 'Grace', address: '+15550199' },
      params: { ticket: '7' },
    });
    for (const member of ready) {
      const view = await member.tab.waitForCall(call.id, 'ringing');
      assert.deepEqual(view.from, { name: 'Grace', address: '+15550199' });
      assert.deepEqual(view.ringGroup, { id: call.ringGroup!.id, name: 'ring-all' });
      assert.deepEqual(view.params, { ticket: '7' });
    }
    const detail = await getCall(server, call.id);
    assert.equal(detail.legs.length, 3, 'away and not-online members are not rung');
    assert.deepEqual([away.tab.calls, notOnline.tab.calls], [[], []]);
    await closeAll(members.map((member) => member.tab));
  });

  test('25 members accept in the same instant: exactly one wins, the other 24 see answered_elsewhere naming the winner', async () => {
    const members = await Promise.all(
      Array.from({ length: 25 }, (_, n) => onlineAgent(server, `race${n}@t.test`, `Racer ${n}`)),
    );
    await createGroup(
      'race',
      members.map((member) => member.user.id),
    );
    const caller = await onlineAgent(server, 'race-caller@t.test', 'Race Caller', {
      online: false,
    });
    caller.tab.send({ type: 'call.dial', to: '/group/race', requestId: 'dial' });
    const dialed = await caller.tab.waitUntil(
      () => [...caller.tab.outgoing.values()][0],
      'the dialed call',
    );
    await Promise.all(members.map((member) => member.tab.waitForCall(dialed.id, 'ringing')));

    // Every frame is written before any reply can arrive: all 25 land in the server together.
    const replies = await Promise.all(
      members.map((member) => member.tab.request({ type: 'call.accept', callId: dialed.id })),
    );
    const winners = members.filter((_, index) => replies[index].type === 'ok');
    assert.equal(winners.length, 1);
    const winner = winners[0];
    const expectedAnsweredBy = { id: winner.user.id, name: winner.user.displayName };
    await winner.tab.waitForCall(dialed.id, 'connected');
    for (const [index, member] of members.entries()) {
      if (member === winner) continue;
      const view = await member.tab.waitForCall(dialed.id, 'disconnected', 'answered_elsewhere');
      assert.deepEqual(view.answeredBy, expectedAnsweredBy);
      assert.equal(replies[index].type, 'error');
      assert.equal((replies[index] as { code: string }).code, 'wrong-state');
    }
    const outgoing = await caller.tab.waitForOutgoing(
      dialed.id,
      (call) => call.status === 'connected',
      'connected',
    );
    assert.deepEqual(outgoing.answeredBy, expectedAnsweredBy);
    await closeAll([...members.map((member) => member.tab), caller.tab]);
  });

  test("accepting in one tab ends the winner's other tabs with answered_elsewhere naming the winner", async () => {
    const ada = await onlineAgent(server, 'tabs-ada@t.test', 'Ada');
    const adaSecondTab = await openTab(server, ada);
    const bob = await onlineAgent(server, 'tabs-bob@t.test', 'Bob');
    await createGroup('tabs', [ada.user.id, bob.user.id]);
    const call = await placeCall(server, '/group/tabs');
    await Promise.all(
      [ada.tab, adaSecondTab, bob.tab].map((tab) => tab.waitForCall(call.id, 'ringing')),
    );
    await ada.tab.request({ type: 'call.accept', callId: call.id });
    const other = await adaSecondTab.waitForCall(call.id, 'disconnected', 'answered_elsewhere');
    assert.deepEqual(other.answeredBy, { id: ada.user.id, name: 'Ada' });
    assert.deepEqual(
      (await bob.tab.waitForCall(call.id, 'disconnected', 'answered_elsewhere')).answeredBy,
      { id: ada.user.id, name: 'Ada' },
    );
    await closeAll([ada.tab, adaSecondTab, bob.tab]);
  });

  test('a reject ends only that leg; when all legs decline the call is offered again after the retry interval', async () => {
    const ada = await onlineAgent(server, 'retry-ada@t.test');
    const bob = await onlineAgent(server, 'retry-bob@t.test');
    await createGroup('retry', [ada.user.id, bob.user.id], {
      retryIntervalSeconds: 1,
      ringTimeoutSeconds: 5,
    });
    const call = await placeCall(server, '/group/retry');
    await Promise.all([
      ada.tab.waitForCall(call.id, 'ringing'),
      bob.tab.waitForCall(call.id, 'ringing'),
    ]);

    assert.equal((await ada.tab.request({ type: 'call.reject', callId: call.id })).type, 'ok');
    await ada.tab.waitForCall(call.id, 'disconnected', 'rejected');
    assert.equal(bob.tab.call(call.id)?.status, 'ringing', 'the other member still rings');
    await bob.tab.request({ type: 'call.reject', callId: call.id });
    assert.equal((await getCall(server, call.id)).status, 'queued');

    await ada.tab.waitUntil(
      () =>
        ada.tab.calls.find(
          (view) => view.id === call.id && view.attempt === 2 && view.status === 'ringing',
        ),
      'attempt 2',
    );
    await bob.tab.waitUntil(() => bob.tab.call(call.id)?.attempt === 2, 'attempt 2 at bob');
    const { legs } = await getCall(server, call.id);
    const lastDecline = Math.max(
      ...legs.filter((leg) => leg.attempt === 1).map((leg) => leg.endedAt!),
    );
    const reoffered = Math.min(...legs.filter((leg) => leg.attempt === 2).map((leg) => leg.rungAt));
    assert.ok(
      reoffered - lastDecline >= 990,
      `offered again only after the retry interval (${reoffered - lastDecline} ms)`,
    );
    assert.deepEqual(
      legs.map((leg) => `${leg.attempt}:${leg.outcome}`),
      ['1:rejected', '1:rejected', '2:ringing', '2:ringing'],
    );
    await closeAll([ada.tab, bob.tab]);
  });

  test('a ring attempt times out with missed legs, and the call ends no_answer when the maximum wait passes', async () => {
    const ada = await onlineAgent(server, 'timeout-ada@t.test');
    await createGroup('timeout', [ada.user.id], {
      ringTimeoutSeconds: 1,
      retryIntervalSeconds: 0,
      maxWaitSeconds: 2,
    });
    const call = await placeCall(server, '/group/timeout');
    await ada.tab.waitForCall(call.id, 'ringing');
    await ada.tab.waitUntil(
      () => ada.tab.call(call.id)?.attempt === 2,
      'the second attempt after the first timed out',
    );
    const ended = await waitForCallState(
      server,
      call.id,
      (detail) => detail.status === 'ended',
      'to end',
    );
    assert.equal(ended.endReason, 'no_answer');
    assert.deepEqual(
      ended.legs.map((leg) => leg.outcome),
      ['missed', 'missed'],
    );
    await ada.tab.waitForCall(call.id, 'disconnected', 'no_answer');
    await ada.tab.close();
  });

  test('the caller cancelling ends every ringing leg with caller_cancelled', async () => {
    const members = await Promise.all([1, 2].map((n) => onlineAgent(server, `cancel${n}@t.test`)));
    await createGroup(
      'cancel',
      members.map((member) => member.user.id),
    );
    const caller = await onlineAgent(server, 'cancel-caller@t.test', undefined, { online: false });
    caller.tab.send({ type: 'call.dial', to: '/group/cancel' });
    const dialed = await caller.tab.waitUntil(
      () => [...caller.tab.outgoing.values()][0],
      'the dialed call',
    );
    await Promise.all(members.map((member) => member.tab.waitForCall(dialed.id, 'ringing')));
    await caller.tab.request({ type: 'call.hangup', callId: dialed.id });
    for (const member of members)
      await member.tab.waitForCall(dialed.id, 'disconnected', 'caller_cancelled');
    const outgoing = await caller.tab.waitForOutgoing(
      dialed.id,
      (view) => view.status === 'disconnected',
      'ended',
    );
    assert.equal(outgoing.endReason, 'caller_cancelled');

    const apiCall = await placeCall(server, '/group/cancel');
    await members[0].tab.waitForCall(apiCall.id, 'ringing');
    await fetch(`${server.url}/api/calls/${apiCall.id}/hangup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    for (const member of members)
      await member.tab.waitForCall(apiCall.id, 'disconnected', 'caller_cancelled');
    await closeAll([...members.map((member) => member.tab), caller.tab]);
  });

  test('with nobody available the call waits, first in first out, and rings as soon as a member comes online', async () => {
    const ada = await onlineAgent(server, 'queue-ada@t.test', undefined, { online: false });
    await createGroup('queue', [ada.user.id]);
    const first = await placeCall(server, '/group/queue', { from: 'First' });
    await placeCall(server, '/group/queue', { from: 'Second' });
    assert.equal(first.status, 'queued');
    await ada.tab.online();
    await ada.tab.waitUntil(() => ada.tab.calls.length === 2 && ada.tab.calls, 'both queued calls');
    assert.deepEqual(
      ada.tab.calls.map((view) => view.from.name),
      ['First', 'Second'],
    );
    await ada.tab.close();
  });

  test('an agent on a call is busy and not rung; after the call it is available and takes the waiting call', async () => {
    const ada = await onlineAgent(server, 'busy-ada@t.test', 'Busy Ada');
    const adaOtherTab = await openTab(server, ada);
    await createGroup('busy', [ada.user.id]);
    const first = await placeCall(server, '/group/busy');
    await ada.tab.waitForCall(first.id, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId: first.id });
    await Promise.all([ada.tab.waitForPresence('busy'), adaOtherTab.waitForPresence('busy')]);

    const waiting = await placeCall(server, '/group/busy');
    assert.equal(waiting.status, 'queued', 'a busy agent is not rung');
    await ada.tab.request({ type: 'call.hangup', callId: first.id });
    await ada.tab.waitForPresence('available');
    await Promise.all([
      ada.tab.waitForCall(waiting.id, 'ringing'),
      adaOtherTab.waitForCall(waiting.id, 'ringing'),
    ]);
    await closeAll([ada.tab, adaOtherTab]);
  });

  test('presence away stops ringing; available again rings the waiting call', async () => {
    const ada = await onlineAgent(server, 'away-ada@t.test');
    await createGroup('away', [ada.user.id]);
    const call = await placeCall(server, '/group/away');
    await ada.tab.waitForCall(call.id, 'ringing');
    await ada.tab.request({ type: 'presence.set', presence: 'away' });
    await ada.tab.waitForCall(call.id, 'disconnected', 'no_answer');
    assert.equal((await getCall(server, call.id)).status, 'queued');
    await ada.tab.request({ type: 'presence.set', presence: 'available' });
    await ada.tab.waitUntil(
      () => ada.tab.call(call.id)?.status === 'ringing' && ada.tab.call(call.id)?.attempt === 2,
      'ringing again',
    );
    await ada.tab.close();
  });

  test('hang-up by either side ends the call for both, and ended legs drop out after the linger time', async () => {
    const ada = await onlineAgent(server, 'hangup-ada@t.test');
    await createGroup('hangup', [ada.user.id]);
    const caller = await onlineAgent(server, 'hangup-caller@t.test', undefined, { online: false });
    for (const side of ['agent', 'caller'] as const) {
      const reply = await caller.tab.request({ type: 'call.dial', to: '/group/hangup' });
      assert.equal(reply.type, 'outgoing_call');
      const callId = (reply as { call: { id: string } }).call.id;
      await ada.tab.waitForCall(callId, 'ringing');
      await ada.tab.request({ type: 'call.accept', callId });
      await caller.tab.waitForOutgoing(callId, (view) => view.status === 'connected', 'connected');
      await (side === 'agent' ? ada.tab : caller.tab).request({ type: 'call.hangup', callId });
      await ada.tab.waitForCall(callId, 'disconnected', 'hangup');
      const outgoing = await caller.tab.waitForOutgoing(
        callId,
        (view) => view.status === 'disconnected',
        'ended',
      );
      assert.equal(outgoing.endReason, 'hangup');
      // The ended leg stayed in the list (found above) and then dropped out with another push.
      await ada.tab.waitForGone(callId);
    }
    await closeAll([ada.tab, caller.tab]);
  });
});

describe('private calls', { concurrency: true }, () => {
  test("rings all of the user's online tabs, not a tab that has not come online", async () => {
    const ada = await onlineAgent(server, 'tabs@p.test', 'Ada');
    const secondTab = await openTab(server, ada);
    const idleTab = await openTab(server, ada, { online: false });
    const call = await placeCall(server, ada.address);
    await Promise.all([
      ada.tab.waitForCall(call.id, 'ringing'),
      secondTab.waitForCall(call.id, 'ringing'),
    ]);
    assert.deepEqual(call.to, { name: 'Ada', address: '/private/tabs' });
    assert.deepEqual(idleTab.calls, []);
    await closeAll([ada.tab, secondTab, idleTab]);
  });

  test('nobody accepting within the ring timeout ends the call no_answer', async () => {
    const ada = await onlineAgent(server, 'timeout@p.test');
    const call = await placeCall(server, ada.address);
    await ada.tab.waitForCall(call.id, 'disconnected', 'no_answer', 4000);
    const ended = await waitForCallState(
      server,
      call.id,
      (detail) => detail.status === 'ended',
      'to end',
    );
    assert.equal(ended.endReason, 'no_answer');
    assert.deepEqual(
      ended.legs.map((leg) => leg.outcome),
      ['missed'],
    );
    await ada.tab.close();
  });

  test('a reject ends only that tab; rejected in every tab, the caller hears rejected', async () => {
    const ada = await onlineAgent(server, 'reject@p.test');
    const secondTab = await openTab(server, ada);
    const caller = await onlineAgent(server, 'reject-caller@p.test', undefined, { online: false });
    const reply = await caller.tab.request({
      type: 'call.dial',
      to: ada.address,
      params: { reason: 'billing' },
    });
    const callId = (reply as { call: { id: string } }).call.id;
    await Promise.all([
      ada.tab.waitForCall(callId, 'ringing'),
      secondTab.waitForCall(callId, 'ringing'),
    ]);
    await ada.tab.request({ type: 'call.reject', callId });
    await ada.tab.waitForCall(callId, 'disconnected', 'rejected');
    assert.equal(secondTab.call(callId)?.status, 'ringing');
    await secondTab.request({ type: 'call.reject', callId });
    const outgoing = await caller.tab.waitForOutgoing(
      callId,
      (view) => view.status === 'disconnected',
      'ended',
    );
    assert.equal(outgoing.endReason, 'rejected');
    await closeAll([ada.tab, secondTab, caller.tab]);
  });

  test('closing another tab never touches the call; closing the tab that answered hangs it up', async () => {
    const ada = await onlineAgent(server, 'owner@p.test', 'Owner');
    const otherTab = await openTab(server, ada);
    const caller = await onlineAgent(server, 'owner-caller@p.test', undefined, { online: false });
    const reply = await caller.tab.request({ type: 'call.dial', to: ada.address });
    const callId = (reply as { call: { id: string } }).call.id;
    await otherTab.waitForCall(callId, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId });
    const elsewhere = await otherTab.waitForCall(callId, 'disconnected', 'answered_elsewhere');
    assert.deepEqual(elsewhere.answeredBy, { id: ada.user.id, name: 'Owner' });

    await otherTab.close();
    assert.equal((await ada.tab.request({ type: 'ping' })).type, 'pong');
    assert.equal(
      ada.tab.call(callId)?.status,
      'connected',
      'still connected after the other tab closed',
    );
    await ada.tab.close();
    const outgoing = await caller.tab.waitForOutgoing(
      callId,
      (view) => view.status === 'disconnected',
      'ended',
    );
    assert.equal(outgoing.endReason, 'hangup');
    await caller.tab.close();
  });

  test('a tab that answered and then lost its connection ends the call failed for the caller', async () => {
    const ada = await onlineAgent(server, 'lost@p.test');
    const caller = await onlineAgent(server, 'lost-caller@p.test', undefined, { online: false });
    const reply = await caller.tab.request({ type: 'call.dial', to: ada.address });
    const callId = (reply as { call: { id: string } }).call.id;
    await ada.tab.waitForCall(callId, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId });
    await caller.tab.waitForOutgoing(callId, (view) => view.status === 'connected', 'connected');
    ada.tab.kill();
    const outgoing = await caller.tab.waitForOutgoing(
      callId,
      (view) => view.status === 'disconnected',
      'ended',
    );
    assert.equal(outgoing.endReason, 'failed');
    await caller.tab.close();
  });

  test('dialing errors: unknown user, unknown group, malformed address', async () => {
    const caller = await onlineAgent(server, 'errors@p.test', undefined, { online: false });
    const unknownUser = await caller.tab.request({ type: 'call.dial', to: '/private/nobody-here' });
    assert.deepEqual(
      [unknownUser.type, (unknownUser as { code?: string }).code],
      ['error', 'not-found'],
    );
    const unknownGroup = await caller.tab.request({ type: 'call.dial', to: '/group/nothing' });
    assert.deepEqual(
      [unknownGroup.type, (unknownGroup as { code?: string }).code],
      ['error', 'not-found'],
    );
    const malformed = await caller.tab.request({ type: 'call.dial', to: 'ada' });
    assert.deepEqual(
      [malformed.type, (malformed as { code?: string }).code],
      ['error', 'bad-message'],
    );
    await caller.tab.close();
  });
});
