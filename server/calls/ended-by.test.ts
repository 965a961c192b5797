/**
 * Who ended each call (`ended_by`), on a manual clock: the call's record row says it once, when
 * the call ends, and the live view (`GET /api/calls/:id`) says the same. One test per path: the
 * caller, the agent, a supervisor through the API, the system (ring timeout, maximum wait, a
 * lost tab) and a warm transfer completing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRow } from './call-repository.ts';
import { TENANT, routerFixture } from '../routing/testing/router-fixture.ts';

const customer = { name: 'Customer', address: '+15550100' };

function fixture() {
  const f = routerFixture({ ringTimeoutSeconds: 10, maxQueueWaitSeconds: 60 });
  const ada = f.addUser('ada', 'Ada');
  const grace = f.addUser('grace', 'Grace');
  const bob = f.addUser('bob', 'Bob');
  f.addGroup('support', [ada, bob], { ringTimeoutSeconds: 10, maxWaitSeconds: 30 });
  /** The record row written when the call ended (exactly one). */
  const endedRow = (callId: string): CallRow => {
    const rows = f.records.ended.filter((ended) => ended.call.id === callId);
    assert.equal(rows.length, 1, `one ended row for ${callId}`);
    return rows[0].call;
  };
  const endedBy = (callId: string) => {
    const row = endedRow(callId);
    return { kind: row.endedBy, userId: row.endedByUserId };
  };
  return { ...f, ada, grace, bob, endedRow, endedBy };
}

describe('who ended a call', () => {
  test('the caller hangs up: a tab that dialed names its person; the API key does not', async () => {
    const { router, openTab, ada, grace, endedBy } = fixture();
    const [adaTab, graceTab] = [openTab(ada), openTab(grace)];
    const dialed = await router.dial(graceTab.sessionId, '/private/ada', {}, 'dial-1');
    router.accept(adaTab.sessionId, dialed.id);
    router.hangup(graceTab.sessionId, dialed.id);
    assert.deepEqual(endedBy(dialed.id), { kind: 'caller', userId: grace.id });
    assert.deepEqual(router.liveCall(TENANT, dialed.id)?.endedBy, {
      kind: 'caller',
      user: { id: grace.id, name: 'Grace' },
    });

    const placed = await router.placeCall(TENANT, { from: customer, to: '/private/ada' });
    router.accept(adaTab.sessionId, placed.id);
    router.hangupCall(TENANT, placed.id);
    assert.deepEqual(endedBy(placed.id), { kind: 'caller', userId: null });

    const cancelled = await router.placeCall(TENANT, { from: customer, to: '/private/ada' });
    router.hangupCall(TENANT, cancelled.id);
    assert.deepEqual(endedBy(cancelled.id), { kind: 'caller', userId: null });
  });

  test('the agent hangs up, declines a direct call, or signs out mid-call: that agent', async () => {
    const { router, openTab, ada, bob, endedBy, endedRow } = fixture();
    const adaTab = openTab(ada);
    const hungUp = await router.placeCall(TENANT, { from: customer, to: '/private/ada' });
    router.accept(adaTab.sessionId, hungUp.id);
    router.hangup(adaTab.sessionId, hungUp.id);
    assert.deepEqual(endedBy(hungUp.id), { kind: 'agent', userId: ada.id });
    assert.equal(endedRow(hungUp.id).endReason, 'hangup');
    assert.deepEqual(router.liveCall(TENANT, hungUp.id)?.endedBy, {
      kind: 'agent',
      user: { id: ada.id, name: 'Ada' },
    });

    const declined = await router.placeCall(TENANT, { from: customer, to: '/private/ada' });
    router.reject(adaTab.sessionId, declined.id);
    assert.deepEqual(endedBy(declined.id), { kind: 'agent', userId: ada.id });
    assert.equal(endedRow(declined.id).endReason, 'rejected');

    const bobTab = openTab(bob);
    const signedOut = await router.placeCall(TENANT, { from: customer, to: '/private/bob' });
    router.accept(bobTab.sessionId, signedOut.id);
    router.closeSession(bobTab.sessionId, 'closed');
    assert.deepEqual(endedBy(signedOut.id), { kind: 'agent', userId: bob.id });
  });

  test('a supervisor ends a call through the API: that supervisor', async () => {
    const { router, openTab, ada, endedBy } = fixture();
    const adaTab = openTab(ada);
    const call = await router.placeCall(TENANT, { from: customer, to: '/group/support' });
    router.accept(adaTab.sessionId, call.id);
    const detail = router.hangupCall(TENANT, call.id, {
      kind: 'supervisor',
      user: { id: 'user-sam', name: 'Sam' },
    });
    assert.deepEqual(detail.endedBy, { kind: 'supervisor', user: { id: 'user-sam', name: 'Sam' } });
    assert.deepEqual(endedBy(call.id), { kind: 'supervisor', userId: 'user-sam' });
  });

  test('the system: the maximum wait, a ring timeout nobody answers, a lost tab', async () => {
    const { router, scheduler, openTab, ada, grace, bob, endedBy, endedRow } = fixture();
    // Nobody online in the group: the call waits its 30 s and ends no_answer.
    const waited = await router.placeCall(TENANT, { from: customer, to: '/group/support' });
    scheduler.advance(30_000);
    assert.equal(endedRow(waited.id).endReason, 'no_answer');
    assert.deepEqual(endedBy(waited.id), { kind: 'system', userId: null });

    // A consultation rings once: Bob lets it ring out (10 s), the consultation ends no_answer.
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const call = await router.placeCall(TENANT, { from: customer, to: '/private/ada' });
    router.accept(adaTab.sessionId, call.id);
    await router.transfer(adaTab.sessionId, call.id, '/private/bob', 'warm');
    const consultationId = adaTab.call(call.id)!.transfer!.consultationCallId!;
    assert.equal(bobTab.call(consultationId)?.status, 'ringing');
    scheduler.advance(10_000);
    assert.equal(endedRow(consultationId).endReason, 'no_answer');
    assert.deepEqual(endedBy(consultationId), { kind: 'system', userId: null });

    // Grace's tab is lost mid-call and never comes back: the call fails.
    const graceTab = openTab(grace);
    const lost = await router.placeCall(TENANT, { from: customer, to: '/private/grace' });
    router.accept(graceTab.sessionId, lost.id);
    router.closeSession(graceTab.sessionId, 'lost');
    assert.equal(endedRow(lost.id).endReason, 'failed');
    assert.deepEqual(endedBy(lost.id), { kind: 'system', userId: null });
  });

  test('a warm transfer completes: the transferring agent ended the consultation; the caller later ends the call', async () => {
    const { router, openTab, ada, bob, endedBy, endedRow, records } = fixture();
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const call = await router.placeCall(TENANT, { from: customer, to: '/private/ada' });
    router.accept(adaTab.sessionId, call.id);
    await router.transfer(adaTab.sessionId, call.id, '/private/bob', 'warm');
    const consultationId = adaTab.call(call.id)!.transfer!.consultationCallId!;
    router.accept(bobTab.sessionId, consultationId);
    router.completeTransfer(adaTab.sessionId, call.id);
    assert.equal(endedRow(consultationId).endReason, 'transferred');
    assert.deepEqual(endedBy(consultationId), { kind: 'agent', userId: ada.id });
    assert.equal(
      records.ended.filter((ended) => ended.call.id === call.id).length,
      0,
      'the call itself goes on with Bob',
    );

    router.hangupCall(TENANT, call.id);
    assert.deepEqual(endedBy(call.id), { kind: 'caller', userId: null });
    assert.equal(endedRow(call.id).answeredByUserId, bob.id);
  });
});
