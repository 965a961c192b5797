/**
 * After-call work on a manual clock: wrap-up after a handled call keeps the agent from ringing
 * for the wrap-up time, ends early or later on request, and follows transfers and tabs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { TENANT, routerFixture, type Tab } from './testing/router-fixture.ts';

const caller = { name: 'Customer', address: '+15550100' };

const wrapUpFrames = (tab: Tab) =>
  tab.frames.filter(
    (frame): frame is Extract<ServerMessage, { type: 'wrap_up' }> => frame.type === 'wrap_up',
  );
const lastWrapUp = (tab: Tab) => wrapUpFrames(tab).at(-1)?.wrapUp;

function fixture(wrapUpSeconds = 30) {
  const f = routerFixture({ wrapUpSeconds });
  const ada = f.addUser('ada', 'Ada');
  const bob = f.addUser('bob', 'Bob');
  f.addGroup('support', [ada, bob]);
  return { ...f, ada, bob };
}

describe('after-call work', () => {
  test('the agent who hung up wraps up for WRAP_UP_SECONDS, is not rung meanwhile, then is available and rung', async () => {
    const { router, scheduler, records, ada, bob, openTab } = fixture(30);
    const adaTab = openTab(ada);
    const first = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.accept(adaTab.sessionId, first.id);
    assert.equal(adaTab.presence, 'busy');
    scheduler.advance(5_000);
    router.hangup(adaTab.sessionId, first.id);

    assert.equal(adaTab.presence, 'wrap-up');
    const wrapUp = lastWrapUp(adaTab)!;
    assert.deepEqual(
      { callId: wrapUp.callId, from: wrapUp.from, endsAt: wrapUp.endsAt },
      { callId: first.id, from: caller, endsAt: scheduler.now() + 30_000 },
    );
    assert.ok(records.transitions.some((t) => t.type === 'wrapUpStarted' && t.callId === first.id));

    // A group call meanwhile rings Bob only; a private call to Ada waits.
    const bobTab = openTab(bob);
    const group = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(bobTab.call(group.id)?.status, 'ringing');
    assert.equal(adaTab.call(group.id), undefined, 'not rung while wrapping up');
    router.reject(bobTab.sessionId, group.id);

    scheduler.advance(29_999);
    assert.equal(adaTab.presence, 'wrap-up');
    scheduler.advance(1);
    assert.equal(adaTab.presence, 'available');
    assert.equal(lastWrapUp(adaTab), null);
    const ended = records.transitions.find((t) => t.type === 'wrapUpEnded');
    assert.equal(ended?.type === 'wrapUpEnded' && ended.reason, 'expired');
    // The queued group call reaches her as soon as she is available.
    assert.equal(adaTab.call(group.id)?.status, 'ringing');
  });

  test('ending early makes the agent available at once; extending moves the end; both are refused outside wrap-up', async () => {
    const { router, scheduler, ada, openTab } = fixture(30);
    const tab = openTab(ada);
    assert.throws(() => router.endWrapUp(tab.sessionId), /not in wrap-up/);
    assert.throws(() => router.extendWrapUp(tab.sessionId, 30), /not in wrap-up/);

    const call = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.accept(tab.sessionId, call.id);
    router.hangup(tab.sessionId, call.id);
    const startedAt = scheduler.now();
    scheduler.advance(20_000);
    router.extendWrapUp(tab.sessionId, 60);
    assert.equal(lastWrapUp(tab)?.endsAt, startedAt + 90_000);
    scheduler.advance(60_000);
    assert.equal(tab.presence, 'wrap-up', 'still wrapping up past the original 30 s');

    assert.equal(router.endWrapUp(tab.sessionId), 'available');
    assert.equal(tab.presence, 'available');
    assert.equal(lastWrapUp(tab), null);
    const next = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    assert.equal(tab.call(next.id)?.status, 'ringing');
  });

  test('an extension never runs more than ten minutes ahead', async () => {
    const { router, scheduler, ada, openTab } = fixture(30);
    const tab = openTab(ada);
    const call = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.accept(tab.sessionId, call.id);
    router.hangup(tab.sessionId, call.id);
    router.extendWrapUp(tab.sessionId, 600);
    router.extendWrapUp(tab.sessionId, 600);
    assert.equal(lastWrapUp(tab)?.endsAt, scheduler.now() + 600_000);
  });

  test('choosing away ends the wrap-up; choosing wrap-up keeps it, and the agent stays in wrap-up afterwards', async () => {
    const { router, scheduler, ada, bob, openTab } = fixture(30);
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    for (const [tab, presence] of [
      [adaTab, 'away'],
      [bobTab, 'wrap-up'],
    ] as const) {
      const call = await router.placeCall(TENANT, {
        from: caller,
        to: `/private/${tab.user.username}`,
      });
      router.accept(tab.sessionId, call.id);
      router.hangup(tab.sessionId, call.id);
      router.setPresence(tab.sessionId, presence);
    }
    assert.equal(adaTab.presence, 'away');
    assert.equal(lastWrapUp(adaTab), null);
    assert.equal(bobTab.presence, 'wrap-up');
    assert.ok(lastWrapUp(bobTab));
    scheduler.advance(30_000);
    assert.equal(lastWrapUp(bobTab), null);
    assert.equal(bobTab.presence, 'wrap-up', 'the chosen wrap-up has no end');
  });

  test('the caller and an agent rung but answered elsewhere do not wrap up; WRAP_UP_SECONDS=0 means none', async () => {
    const { router, addUser, ada, bob, openTab } = fixture(30);
    const carol = addUser('carol', 'Carol');
    const [adaTab, bobTab, carolTab] = [openTab(ada), openTab(bob), openTab(carol)];
    const dialed = await router.dial(carolTab.sessionId, '/group/support');
    router.accept(adaTab.sessionId, dialed.id);
    router.hangup(carolTab.sessionId, dialed.id);
    assert.equal(carolTab.presence, 'available', 'the caller has nothing to wrap up');
    assert.equal(bobTab.presence, 'available', 'answered elsewhere: nothing to wrap up');
    assert.equal(adaTab.presence, 'wrap-up');

    const none = fixture(0);
    const tab = none.openTab(none.ada);
    const call = await none.router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    none.router.accept(tab.sessionId, call.id);
    none.router.hangup(tab.sessionId, call.id);
    assert.equal(tab.presence, 'available');
    assert.equal(wrapUpFrames(tab).filter((frame) => frame.wrapUp).length, 0);
  });

  test('a blind transfer nobody takes rings the agent back in wrap-up; taking the call back ends the wrap-up', async () => {
    const { router, scheduler, records, ada, openTab, settle } = fixture(30);
    const adaTab = openTab(ada);
    const call = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.accept(adaTab.sessionId, call.id);
    await router.transfer(adaTab.sessionId, call.id, '/private/bob', 'blind');
    await settle();
    assert.equal(adaTab.presence, 'wrap-up', 'handed on: the agent writes it up');
    // Bob has no tab: the transfer fails at once and rings Ada back.
    const ringBack = adaTab.calls.find((view) => view.id === call.id && view.status === 'ringing');
    assert.ok(ringBack, 'rung back while wrapping up');
    router.accept(adaTab.sessionId, call.id);
    assert.equal(adaTab.presence, 'busy');
    assert.equal(lastWrapUp(adaTab), null);
    const ended = records.transitions.filter((t) => t.type === 'wrapUpEnded');
    assert.deepEqual(
      ended.map((t) => t.type === 'wrapUpEnded' && t.reason),
      ['resumed'],
    );
    router.hangup(adaTab.sessionId, call.id);
    assert.equal(adaTab.presence, 'wrap-up');
    scheduler.advance(30_000);
    assert.equal(adaTab.presence, 'available');
  });

  test('a second tab coming online learns the wrap-up; the last tab closing ends it', async () => {
    const { router, records, ada, openTab } = fixture(30);
    const first = openTab(ada);
    const call = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    router.accept(first.sessionId, call.id);
    router.hangup(first.sessionId, call.id);
    const second = openTab(ada);
    assert.equal(lastWrapUp(second)?.callId, call.id);
    assert.equal(router.presenceOf(TENANT, ada.id), 'wrap-up');

    router.closeSession(first.sessionId, 'closed');
    assert.equal(lastWrapUp(second)?.callId, call.id, 'one tab left: still wrapping up');
    router.closeSession(second.sessionId, 'closed');
    const ended = records.transitions.find((t) => t.type === 'wrapUpEnded');
    assert.equal(ended?.type === 'wrapUpEnded' && ended.reason, 'gone');
  });
});
