/**
 * The routing core's own contract, on a manual clock: the live state is plain data that another
 * router can take over (deadlines included), every change is a transition observers see in
 * order, a transition that does not fit the state changes nothing, records project hold time,
 * and ring strategies plug in by name.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT, routerFixture } from './testing/router-fixture.ts';
import { InProcessLiveStore } from './state/live-store.ts';
import { RoutingInvariantError, applyTransition } from './state/apply-transition.ts';
import type { RingStrategy } from './strategies/ring-strategy.ts';

const caller = { name: 'Customer', address: '+15550100' };

describe('the live state', () => {
  test('survives JSON and another router carries on: deadlines fire, the call is answered there', async () => {
    const first = routerFixture();
    const ada = first.addUser('ada', 'Ada');
    first.addGroup('support', [ada], {
      ringTimeoutSeconds: 10,
      retryIntervalSeconds: 5,
      maxWaitSeconds: 40,
    });
    const tab = first.openTab(ada);
    const { id } = await first.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    first.scheduler.advance(4_000);

    const snapshot = first.router.snapshot();
    const written = JSON.stringify(snapshot);
    assert.deepEqual(JSON.parse(written), snapshot, 'plain data: nothing lost to JSON');
    first.router.relinquish();
    const framesBefore = tab.frames.length;

    const second = routerFixture({}, { scheduler: first.scheduler, snapshot: JSON.parse(written) });
    const resumedTab = second.adoptTab(tab.sessionId, ada);
    first.scheduler.advance(6_000); // the first attempt's ring timeout, 10 s after it started
    assert.deepEqual(
      [resumedTab.call(id)?.status, resumedTab.call(id)?.endReason],
      ['disconnected', 'no_answer'],
    );
    assert.equal(tab.frames.length, framesBefore, 'the first router sent nothing after it let go');
    first.scheduler.advance(5_000); // the retry interval
    assert.deepEqual([resumedTab.call(id)?.status, resumedTab.call(id)?.attempt], ['ringing', 2]);

    second.router.accept(tab.sessionId, id);
    assert.equal(resumedTab.presence, 'busy');
    second.router.hangup(tab.sessionId, id);
    assert.deepEqual(
      second.records.ended[0].legs.map((leg) => `${leg.attempt}:${leg.outcome}`),
      ['1:missed', '2:answered'],
    );
  });

  test('every step is observable as transitions, in the order they happened', async () => {
    const { router, records, addUser, addGroup, openTab } = routerFixture();
    const [ada, bob] = [addUser('ada', 'Ada'), addUser('bob', 'Bob')];
    addGroup('support', [ada, bob]);
    const [adaTab] = [openTab(ada), openTab(bob)];
    const steps: string[][] = [];
    router.observeTransitions((transitions) =>
      steps.push(
        transitions
          .filter((t) => t.type !== 'deadlineSet' && t.type !== 'deadlineCleared')
          .map((t) => t.type),
      ),
    );
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    router.accept(adaTab.sessionId, id);
    router.hold(adaTab.sessionId, id);
    router.resume(adaTab.sessionId, id);
    router.hangup(adaTab.sessionId, id);

    assert.deepEqual(steps, [
      ['callPlaced', 'callQueued', 'attemptStarted', 'legRung', 'legRung'],
      ['answered', 'callDequeued', 'legEnded', 'agentJoinedCall', 'presenceChanged'],
      ['held'],
      ['resumed'],
      ['callEnded', 'legEnded', 'agentLeftCall', 'presenceChanged'],
    ]);
    const answered = records.transitions.find((t) => t.type === 'answered');
    assert.deepEqual(answered && { ...answered, at: 0 }, {
      type: 'answered',
      tenantId: TENANT,
      at: 0,
      callId: id,
      legId: `${id}.1`,
      agent: { id: ada.id, name: 'Ada', sessionId: adaTab.sessionId },
      handedOver: false,
    });
  });

  test('a transition that does not fit the state is refused and changes nothing', () => {
    const store = new InProcessLiveStore();
    const agent = {
      tenantId: TENANT,
      userId: 'user-ada',
      name: 'Ada',
      username: 'ada',
      chosenPresence: 'available' as const,
      presence: 'offline' as const,
      presenceSince: 0,
      lastRungAt: null,
      sessionIds: [],
      activeCallIds: [],
    };
    applyTransition(store, { type: 'agentRegistered', tenantId: TENANT, at: 1, agent });
    const before = JSON.stringify(store.snapshot());
    assert.throws(
      () =>
        applyTransition(store, {
          type: 'presenceChanged',
          tenantId: TENANT,
          at: 2,
          userId: 'user-ada',
          presence: 'busy',
          previous: 'available',
        }),
      (error: unknown) =>
        error instanceof RoutingInvariantError && /is offline, not available/.test(error.message),
    );
    assert.throws(
      () => applyTransition(store, { type: 'resumed', tenantId: TENANT, at: 3, callId: 'nope' }),
      RoutingInvariantError,
    );
    assert.equal(JSON.stringify(store.snapshot()), before);
  });
});

describe('records projected from transitions', () => {
  test("hold_ms is the caller's total time on hold, transfers included; null when never answered", async () => {
    const { router, scheduler, records, addUser, openTab } = routerFixture();
    const [ada, bob, dialer] = [addUser('ada', 'Ada'), addUser('bob', 'Bob'), addUser('dialer')];
    const callerTab = openTab(dialer, { online: false });
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const { id } = await router.dial(callerTab.sessionId, '/private/ada');
    router.accept(adaTab.sessionId, id);
    router.hold(adaTab.sessionId, id);
    scheduler.advance(2_000);
    router.resume(adaTab.sessionId, id);
    scheduler.advance(10_000);
    router.hold(adaTab.sessionId, id);
    scheduler.advance(3_000);
    // Still on hold while the transfer rings Bob, until he answers.
    await router.transfer(adaTab.sessionId, id, '/private/bob', 'blind');
    scheduler.advance(1_000);
    router.accept(bobTab.sessionId, id);
    scheduler.advance(7_000);
    router.hangup(bobTab.sessionId, id);

    const missed = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.hangupCall(TENANT, missed.id);
    assert.deepEqual(
      records.ended.map(({ call }) => [call.id, call.holdMs, call.talkMs]),
      [
        [id, 6_000, 23_000],
        [missed.id, null, null],
      ],
    );
  });
});

describe('blind transfer', () => {
  test("rings on when the transferring agent's tab closes, and the destination can still take it", async () => {
    const { router, scheduler, addUser, openTab } = routerFixture();
    const [ada, bob, dialer] = [addUser('ada', 'Ada'), addUser('bob', 'Bob'), addUser('dialer')];
    const callerTab = openTab(dialer, { online: false });
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const { id } = await router.dial(callerTab.sessionId, '/private/ada');
    router.accept(adaTab.sessionId, id);
    await router.transfer(adaTab.sessionId, id, '/private/bob', 'blind');
    scheduler.advance(1_000);
    router.closeSession(adaTab.sessionId, 'closed');
    assert.equal(bobTab.call(id)?.status, 'ringing');
    assert.equal(callerTab.outgoing.get(id)?.status, 'connected', 'the caller holds on');
    router.accept(bobTab.sessionId, id);
    assert.deepEqual(callerTab.outgoing.get(id)?.answeredBy, { id: bob.id, name: 'Bob' });
  });
});

describe('ring strategies', () => {
  test("a group's strategy picks who rings among the available members", async () => {
    const firstOnly: RingStrategy = {
      name: 'first-only',
      ringsOneAtATime: false,
      choose: (_call, candidates) => candidates.slice(0, 1),
    };
    const { router, addUser, addGroup, openTab } = routerFixture({}, { strategies: [firstOnly] });
    const [ada, bob] = [addUser('ada'), addUser('bob')];
    addGroup('support', [ada, bob], { strategy: 'first-only' });
    addGroup('sales', [ada, bob]);
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const support = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.deepEqual(
      [adaTab.call(support.id)?.status, bobTab.call(support.id)],
      ['ringing', undefined],
    );
    const sales = await router.placeCall(TENANT, { from: caller, to: '/group/sales' });
    assert.deepEqual(
      [adaTab.call(sales.id)?.status, bobTab.call(sales.id)?.status],
      ['ringing', 'ringing'],
      'a group without a strategy rings everyone available',
    );
  });
});
