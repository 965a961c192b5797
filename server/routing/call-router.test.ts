/**
 * Routing rules that depend on time, on a manual clock: ring timeouts, retries, maximum wait,
 * lingering, queue order. The same rules are exercised over real sockets in the
 * *-routing.test.ts suites; here each second of waiting costs nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT, routerFixture } from './testing/router-fixture.ts';

const caller = { name: 'Customer', address: '+15550100' };

describe('CallRouter on a manual clock', () => {
  test('a group attempt nobody answers is missed, offered again after the retry interval, and ends no_answer at the maximum wait', async () => {
    const { router, scheduler, records, addUser, addGroup, openTab } = routerFixture();
    const ada = addUser('ada');
    addGroup('support', [ada], {
      ringTimeoutSeconds: 10,
      retryIntervalSeconds: 5,
      maxWaitSeconds: 40,
    });
    const tab = openTab(ada);
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(tab.call(id)?.status, 'ringing');
    assert.equal(tab.call(id)?.attempt, 1);

    scheduler.advance(10_000);
    assert.deepEqual(
      [tab.call(id)?.status, tab.call(id)?.endReason],
      ['disconnected', 'no_answer'],
    );
    assert.equal(router.liveCall(TENANT, id)?.status, 'queued');

    scheduler.advance(4_999);
    assert.notEqual(tab.call(id)?.status, 'ringing', 'not offered again before the retry interval');
    scheduler.advance(1);
    assert.deepEqual([tab.call(id)?.status, tab.call(id)?.attempt], ['ringing', 2]);

    scheduler.advance(25_000); // 40 s after the call was placed
    const ended = router.liveCall(TENANT, id)!;
    assert.deepEqual([ended.status, ended.endReason], ['ended', 'no_answer']);
    assert.equal(tab.call(id)?.endReason, 'no_answer');
    const outcomes = records.ended[0].legs.map((leg) => `${leg.attempt}:${leg.outcome}`);
    assert.deepEqual(outcomes, ['1:missed', '2:missed', '3:missed']);
  });

  test('when every leg declines, the group call waits the retry interval and rings everyone available again', async () => {
    const { router, scheduler, addUser, addGroup, openTab } = routerFixture();
    const [ada, bob] = [addUser('ada'), addUser('bob')];
    addGroup('support', [ada, bob], { retryIntervalSeconds: 3 });
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    router.reject(adaTab.sessionId, id);
    assert.equal(bobTab.call(id)?.status, 'ringing', 'a reject ends only that leg');
    router.reject(bobTab.sessionId, id);
    assert.equal(router.liveCall(TENANT, id)?.status, 'queued');
    scheduler.advance(3_000);
    assert.deepEqual([adaTab.call(id)?.status, bobTab.call(id)?.status], ['ringing', 'ringing']);
    assert.equal(adaTab.call(id)?.attempt, 2);
  });

  test('a private call rings within its ring timeout or ends no_answer; all tabs declining ends it rejected', async () => {
    const { router, scheduler, addUser, openTab } = routerFixture({ ringTimeoutSeconds: 15 });
    const ada = addUser('ada');
    const first = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    scheduler.advance(5_000);
    const tab = openTab(ada); // came online 5 s into the ring
    assert.equal(tab.call(first.id)?.status, 'ringing');
    scheduler.advance(10_000);
    assert.deepEqual(
      [tab.call(first.id)?.endReason, router.liveCall(TENANT, first.id)?.endReason],
      ['no_answer', 'no_answer'],
    );

    const secondTab = openTab(ada);
    const second = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.reject(tab.sessionId, second.id);
    assert.equal(
      router.liveCall(TENANT, second.id)?.status,
      'ringing',
      'the other tab still rings',
    );
    router.reject(secondTab.sessionId, second.id);
    assert.equal(router.liveCall(TENANT, second.id)?.endReason, 'rejected');
  });

  test('ended legs linger, then leave the list with one more push', async () => {
    const { router, scheduler, addUser, openTab } = routerFixture({ endedCallLingerMs: 4000 });
    const ada = addUser('ada');
    const tab = openTab(ada);
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.hangupCall(TENANT, id);
    assert.equal(tab.call(id)?.endReason, 'caller_cancelled');
    const pushesBefore = tab.frames.length;
    scheduler.advance(3_999);
    assert.ok(tab.call(id));
    scheduler.advance(1);
    assert.equal(tab.call(id), undefined);
    assert.equal(tab.frames.length, pushesBefore + 1);
    assert.equal(router.liveCall(TENANT, id), null, 'the call itself is dropped too');
  });

  test('queued calls reach an agent oldest first, and a busy agent is offered them when its call ends', async () => {
    const { router, addUser, addGroup, openTab, settle } = routerFixture();
    const [ada, bob] = [addUser('ada'), addUser('bob')];
    addGroup('support', [ada]);
    addGroup('sales', [ada]);
    const older = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    const newer = await router.placeCall(TENANT, { from: caller, to: '/group/sales' });
    const tab = openTab(ada);
    await settle();
    assert.deepEqual(
      tab.calls.map((call) => call.id),
      [older.id, newer.id],
    );

    router.accept(tab.sessionId, older.id);
    assert.equal(tab.presence, 'busy');
    assert.equal(tab.call(newer.id)?.status, 'disconnected', 'a busy agent stops ringing');
    const direct = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    assert.equal(tab.call(direct.id), undefined, 'a busy agent is not rung');

    const bobTab = openTab(bob);
    router.hangup(tab.sessionId, older.id);
    assert.equal(tab.presence, 'available');
    assert.deepEqual(
      [tab.call(newer.id)?.status, tab.call(direct.id)?.status],
      ['ringing', 'ringing'],
    );
    assert.equal(bobTab.calls.length, 0);
  });

  test('a member who comes online during an attempt joins it; one whose last tab goes away is withdrawn', async () => {
    const { router, scheduler, records, addUser, addGroup, openTab } = routerFixture();
    const [ada, bob] = [addUser('ada'), addUser('bob')];
    addGroup('support', [ada, bob], { ringTimeoutSeconds: 10 });
    const adaTab = openTab(ada);
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    scheduler.advance(2_000);
    const bobTab = openTab(bob);
    assert.deepEqual([bobTab.call(id)?.status, bobTab.call(id)?.attempt], ['ringing', 1]);

    router.closeSession(adaTab.sessionId, 'lost');
    router.closeSession(bobTab.sessionId, 'closed');
    assert.equal(router.presenceOf(TENANT, ada.id), 'offline');
    assert.equal(
      router.liveCall(TENANT, id)?.status,
      'queued',
      'withdrawn everywhere: back to waiting',
    );
    const bobAgain = openTab(bob);
    assert.deepEqual(
      [bobAgain.call(id)?.status, bobAgain.call(id)?.attempt],
      ['ringing', 2],
      'no retry pause after withdrawals',
    );
    router.accept(bobAgain.sessionId, id);
    router.hangup(bobAgain.sessionId, id);
    const legs = records.ended[0].legs.map((leg) => leg.outcome);
    assert.deepEqual(legs, ['withdrawn', 'withdrawn', 'answered']);
  });

  test('twenty-five accepts in one tick: exactly one wins and every other leg names the winner', async () => {
    const { router, addUser, addGroup, openTab } = routerFixture();
    const members = Array.from({ length: 25 }, (_, index) =>
      addUser(`agent${index}`, `Agent ${index}`),
    );
    addGroup('everyone', members);
    const tabs = members.map((member) => openTab(member));
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/group/everyone' });
    const outcomes = tabs.map((tab) => {
      try {
        router.accept(tab.sessionId, id);
        return 'won';
      } catch (error) {
        return (error as Error).message;
      }
    });
    assert.equal(outcomes.filter((outcome) => outcome === 'won').length, 1);
    assert.equal(outcomes[0], 'won');
    for (const tab of tabs.slice(1)) {
      assert.deepEqual(tab.call(id)?.answeredBy, { id: members[0].id, name: 'Agent 0' });
      assert.equal(tab.call(id)?.endReason, 'answered_elsewhere');
    }
  });

  test('a tab never rings for the call it dialed, and the caller follows the call', async () => {
    const { router, addUser, addGroup, openTab } = routerFixture();
    const [ada, bob] = [addUser('ada', 'Ada'), addUser('bob')];
    addGroup('support', [ada, bob]);
    const dialing = openTab(ada);
    const otherAdaTab = openTab(ada);
    const bobTab = openTab(bob);
    const view = await router.dial(dialing.sessionId, '/group/support', { ticket: '42' }, 'dial-1');
    assert.equal(dialing.call(view.id), undefined);
    assert.equal(otherAdaTab.call(view.id)?.status, 'ringing');
    assert.equal(
      dialing.frames.find((frame) => frame.type === 'outgoing_call')?.requestId,
      'dial-1',
    );
    router.accept(bobTab.sessionId, view.id);
    assert.deepEqual(dialing.outgoing.get(view.id)?.answeredBy, { id: bob.id, name: 'bob' });
    assert.equal(dialing.presence, 'busy', 'the caller is on a call too');
    router.closeSession(dialing.sessionId, 'closed');
    assert.deepEqual(
      [bobTab.call(view.id)?.status, bobTab.call(view.id)?.endReason],
      ['disconnected', 'hangup'],
    );
  });

  test('stop() ends live calls as failed so their records say so', async () => {
    const { router, records, addUser, openTab } = routerFixture();
    openTab(addUser('ada'));
    await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.stop();
    assert.equal(records.ended[0]?.call.endReason, 'failed');
  });
});
