/**
 * An agent's call to a phone number, as routing sees it: nobody rings here (LiveKit SIP calls
 * the phone, server/sip), the dialing tab sees it ringing until the phone answers, then
 * connected with the agent busy; it ends like any dialed call, and only once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT, routerFixture } from './testing/router-fixture.ts';

describe('calls to phone numbers', () => {
  test('ring nobody, connect when the phone answers, and end with the hang-up', async () => {
    const { router, records, addUser, addGroup, openTab } = routerFixture();
    const [ada, bob] = [addUser('ada'), addUser('bob')];
    addGroup('support', [ada, bob]);
    const [adaTab, bobTab] = [openTab(ada), openTab(bob)];
    const view = await router.dial(adaTab.sessionId, '+1 (415) 555-0199');
    assert.deepEqual(view.to, { name: '+1 415 555 0199', address: '+14155550199' });
    assert.equal(view.status, 'ringing');
    assert.equal(bobTab.calls.length, 0, 'no agent rings for a call to a phone');
    assert.equal(router.liveCall(TENANT, view.id)?.status, 'ringing');

    router.phoneAnswered(TENANT, view.id);
    assert.equal(adaTab.outgoing.get(view.id)?.status, 'connected');
    assert.equal(adaTab.presence, 'busy');
    assert.equal(records.answered.length, 1);
    router.phoneAnswered(TENANT, view.id); // reported twice: nothing changes

    router.hangup(adaTab.sessionId, view.id);
    const ended = adaTab.outgoing.get(view.id)!;
    assert.deepEqual([ended.status, ended.endReason], ['disconnected', 'hangup']);
    assert.equal(adaTab.presence, 'available');
    assert.equal(records.ended[0].call.toAddress, '+14155550199');
  });

  test('a phone that never answers ends no_answer at its maximum wait; a late answer changes nothing', async () => {
    const { router, scheduler, addUser, openTab } = routerFixture();
    const ada = addUser('ada');
    const tab = openTab(ada);
    const view = await router.dial(tab.sessionId, '+442079460000');
    scheduler.advance(60_000);
    assert.equal(tab.outgoing.get(view.id)?.endReason, 'no_answer');
    router.phoneAnswered(TENANT, view.id);
    assert.equal(tab.outgoing.get(view.id)?.status, 'disconnected');
  });

  test('a malformed number is refused; a supervisor cannot assign a call to a phone', async () => {
    const { router, addUser, openTab } = routerFixture();
    const [ada, bob] = [addUser('ada'), addUser('bob')];
    const tab = openTab(ada);
    openTab(bob);
    await assert.rejects(router.dial(tab.sessionId, '+1 555'), /not a valid international/);
    const view = await router.dial(tab.sessionId, '+14155550199');
    assert.throws(
      () => router.assignCall(TENANT, view.id, { id: bob.id, name: bob.displayName }),
      /a phone/,
    );
  });
});
