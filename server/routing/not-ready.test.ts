/**
 * Not ready after a missed call, on a manual clock: an agent who lets a call ring out stops
 * being rung (presence away, with the reason) until it chooses to be available again.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { TENANT, routerFixture, type Tab } from './testing/router-fixture.ts';

const caller = { name: 'Customer', address: '+15550100' };

const lastPresenceFrame = (tab: Tab) =>
  tab.frames
    .filter(
      (frame): frame is Extract<ServerMessage, { type: 'presence' }> => frame.type === 'presence',
    )
    .at(-1);

function fixture(notReadyAfterMissedCall = true) {
  const f = routerFixture({ notReadyAfterMissedCall, ringTimeoutSeconds: 15 });
  const ada = f.addUser('ada', 'Ada');
  const bob = f.addUser('bob', 'Bob');
  f.addGroup('support', [ada, bob], { ringTimeoutSeconds: 10, retryIntervalSeconds: 5 });
  return { ...f, ada, bob };
}

describe('not ready after a missed call', () => {
  test('a group call that rings out sets its agents away ("missed"); the call goes on to whoever is left, and one click brings the agent back', async () => {
    const { router, scheduler, ada, bob, openTab } = fixture();
    const adaTab = openTab(ada);
    const { id } = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    const bobTab = openTab(bob); // comes online after the attempt started: rung at once
    assert.equal(adaTab.call(id)?.status, 'ringing');
    router.reject(bobTab.sessionId, id); // Bob declines: only Ada lets it ring out

    scheduler.advance(10_000);
    assert.equal(adaTab.call(id)?.endReason, 'no_answer');
    assert.equal(adaTab.presence, 'away');
    const frame = lastPresenceFrame(adaTab)!;
    assert.deepEqual(frame.notReady, { reason: 'missed', callId: id, since: scheduler.now() });
    assert.equal(bobTab.presence, 'available', 'a decline is not a missed call');

    scheduler.advance(5_000); // the retry rings Bob only
    assert.equal(bobTab.call(id)?.status, 'ringing');
    assert.notEqual(adaTab.call(id)?.status, 'ringing');

    router.setPresence(adaTab.sessionId, 'available');
    assert.equal(adaTab.presence, 'available');
    assert.equal(lastPresenceFrame(adaTab)!.notReady, undefined);
    assert.equal(adaTab.call(id)?.status, 'ringing', 'back: rung for the call still ringing');
  });

  test('a private call that rings out sets the agent away; its other ringing calls stop', async () => {
    const { router, scheduler, ada, openTab } = fixture();
    const tab = openTab(ada);
    const first = await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    scheduler.advance(10_000);
    const second = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(tab.call(second.id)?.status, 'ringing');
    scheduler.advance(5_000); // the private call's 15 s are up; the group call rang 5 s
    assert.equal(tab.call(first.id)?.endReason, 'no_answer');
    assert.equal(tab.presence, 'away');
    assert.equal(tab.call(second.id)?.status, 'disconnected', 'withdrawn: nobody is there');
    assert.equal(lastPresenceFrame(tab)!.notReady?.callId, first.id);
  });

  test('declines, calls answered elsewhere and agents away already are not "missed"; NOT_READY_AFTER_MISSED_CALL=false turns it off', async () => {
    const { router, scheduler, ada, bob, openTab } = fixture();
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const call = await router.placeCall(TENANT, { from: caller, to: '/group/support' });
    router.accept(bobTab.sessionId, call.id);
    scheduler.advance(10_000);
    assert.equal(adaTab.presence, 'available');

    const off = fixture(false);
    const tab = off.openTab(off.ada);
    const missed = await off.router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    off.scheduler.advance(15_000);
    assert.equal(tab.call(missed.id)?.endReason, 'no_answer');
    assert.equal(tab.presence, 'available');
  });

  test('coming online afresh clears it', async () => {
    const { router, scheduler, ada, openTab } = fixture();
    const tab = openTab(ada);
    await router.placeCall(TENANT, { from: caller, to: '/private/ada' });
    scheduler.advance(15_000);
    assert.equal(tab.presence, 'away');
    router.goOffline(tab.sessionId);
    router.comeOnline(tab.sessionId);
    assert.equal(router.presenceOf(TENANT, ada.id), 'available');
  });
});
