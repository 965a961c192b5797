/**
 * Business hours and overflow on a manual clock: open and closed in the tenant's time zone
 * (across midnight, a holiday), each closed treatment, and a waiting call offered to the
 * overflow group after the delay.
 */
import { CLOSED_SCRIPT_BACKSTOP_MS } from './dialing.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BusinessHoursRecord } from '../directory/directory.ts';
import { ManualScheduler } from '../test/manual-scheduler.ts';
import { isOpen } from './business-hours.ts';
import { TENANT, routerFixture } from './testing/router-fixture.ts';

const caller = { name: 'Customer', address: '+15550100' };

/** Weekdays 09:00–17:00, Friday night 22:00–02:00, closed on Christmas Day. */
const hours: BusinessHoursRecord = {
  hours: [1, 2, 3, 4, 5]
    .map((day) => ({ day, open: '09:00', close: '17:00' }))
    .concat({ day: 5, open: '22:00', close: '02:00' }),
  holidays: ['2026-12-25'],
  closed: { action: 'end' },
};

describe('isOpen', () => {
  // 2026-12-07 is a Monday.
  const at = (local: string, zone = 'UTC') => {
    const utc = Date.parse(`${local}Z`);
    if (zone === 'UTC') return utc;
    // Europe/Berlin is UTC+1 in December.
    return utc - 60 * 60 * 1000;
  };

  test('open within a day, closed outside it; the close minute is closed', () => {
    assert.equal(isOpen(hours, 'UTC', at('2026-12-07T08:59:00')), false);
    assert.equal(isOpen(hours, 'UTC', at('2026-12-07T09:00:00')), true);
    assert.equal(isOpen(hours, 'UTC', at('2026-12-07T16:59:59')), true);
    assert.equal(isOpen(hours, 'UTC', at('2026-12-07T17:00:00')), false);
    assert.equal(isOpen(hours, 'UTC', at('2026-12-06T12:00:00')), false, 'Sunday');
  });

  test('hours across midnight run into the next morning', () => {
    assert.equal(isOpen(hours, 'UTC', at('2026-12-11T21:59:00')), false, 'Friday 21:59');
    assert.equal(isOpen(hours, 'UTC', at('2026-12-11T23:30:00')), true, 'Friday 23:30');
    assert.equal(isOpen(hours, 'UTC', at('2026-12-12T01:59:00')), true, 'Saturday 01:59');
    assert.equal(isOpen(hours, 'UTC', at('2026-12-12T02:00:00')), false, 'Saturday 02:00');
    assert.equal(isOpen(hours, 'UTC', at('2026-12-08T01:00:00')), false, 'not after Monday');
  });

  test('a holiday closes the whole local day', () => {
    assert.equal(isOpen(hours, 'UTC', at('2026-12-25T10:00:00')), false, 'Christmas, a Friday');
    assert.equal(isOpen(hours, 'UTC', at('2026-12-24T10:00:00')), true);
    assert.equal(isOpen(hours, 'UTC', at('2026-12-26T01:00:00')), true, 'the day after is not');
  });

  test("the tenant's time zone decides", () => {
    // 08:30 UTC is 09:30 in Berlin.
    const instant = Date.parse('2026-12-07T08:30:00Z');
    assert.equal(isOpen(hours, 'UTC', instant), false);
    assert.equal(isOpen(hours, 'Europe/Berlin', instant), true);
    assert.equal(isOpen(hours, 'Europe/Berlin', at('2026-12-07T17:00:00', 'Europe/Berlin')), false);
  });

  test('no hours at all: never open', () => {
    const none = { ...hours, hours: [] };
    assert.equal(isOpen(none, 'UTC', at('2026-12-07T12:00:00')), false);
  });
});

/** A router whose clock reads the given UTC instant. */
function fixtureAt(utc: string) {
  return routerFixture({}, { scheduler: new ManualScheduler(Date.parse(utc)) });
}

describe('closed groups', () => {
  test('a call to a closed group ends at once with reason closed, and is recorded; the same group rings when open', async () => {
    const fixture = fixtureAt('2026-12-07T18:00:00Z'); // Monday evening
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada], { businessHours: hours });
    const tab = fixture.openTab(ada);
    const closed = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.deepEqual([closed.status, closed.endReason], ['ended', 'closed']);
    assert.equal(tab.call(closed.id), undefined, 'nobody rang');
    assert.equal(fixture.records.ended[0]?.call.endReason, 'closed');

    fixture.scheduler.advance(15 * 60 * 60 * 1000); // Tuesday 09:00
    const open = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(tab.call(open.id)?.status, 'ringing');
  });

  test('a script treatment keeps the call, ringing nobody, for the script to end it closed; a script that never does is ended closed by routing', async () => {
    const fixture = fixtureAt('2026-12-07T18:00:00Z'); // Monday evening
    const ada = fixture.addUser('ada');
    const script = [{ play: 'test-pattern', seconds: 5 }];
    fixture.addGroup('support', [ada], {
      businessHours: { ...hours, closed: { action: 'script', script } },
    });
    const tab = fixture.openTab(ada);
    const placed = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    const live = fixture.router.liveCall(TENANT, placed.id);
    assert.notEqual(live?.status, 'ended', 'media-script plays it first');
    assert.deepEqual(fixture.directory.groups[0].businessHours!.closed.script, script);
    assert.equal(tab.call(placed.id), undefined, 'nobody rings');
    fixture.scheduler.advance(CLOSED_SCRIPT_BACKSTOP_MS - 1);
    assert.notEqual(fixture.router.liveCall(TENANT, placed.id)?.status, 'ended');
    fixture.scheduler.advance(1);
    assert.equal(fixture.records.ended[0]?.call.endReason, 'closed');
    assert.equal(tab.call(placed.id), undefined);
  });

  test('the closed treatment can send calls to another group, which rings; a transfer to a closed group is refused', async () => {
    const fixture = fixtureAt('2026-12-25T10:00:00Z'); // the holiday
    const [ada, bob] = [fixture.addUser('ada'), fixture.addUser('bob')];
    const night = fixture.addGroup('night', [bob]);
    fixture.addGroup('support', [ada], {
      businessHours: { ...hours, closed: { action: 'group', ringGroupId: night.id } },
    });
    const [adaTab, bobTab] = [fixture.openTab(ada), fixture.openTab(bob)];
    const call = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.deepEqual([adaTab.call(call.id), bobTab.call(call.id)?.status], [undefined, 'ringing']);
    assert.equal(call.ringGroup?.name, 'night');

    fixture.router.accept(bobTab.sessionId, call.id);
    fixture.addGroup('sales', [ada], { businessHours: hours });
    await assert.rejects(
      fixture.router.transfer(bobTab.sessionId, call.id, '/group/sales', 'blind'),
      /\/group\/sales is closed/,
    );
    assert.equal(fixture.router.liveCall(TENANT, call.id)?.status, 'connected', 'bob keeps it');
  });

  test("the tenant's time zone decides whether the group is open", async () => {
    const fixture = fixtureAt('2026-12-07T08:30:00Z'); // 09:30 in Berlin
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada], { businessHours: hours });
    const tab = fixture.openTab(ada);
    const utc = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(utc.endReason, 'closed');
    fixture.directory.tenantTimeZone = 'Europe/Berlin';
    const berlin = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(tab.call(berlin.id)?.status, 'ringing');
  });
});

describe('overflow', () => {
  test('after the delay a waiting call is also offered to the overflow group; answering stops it', async () => {
    const fixture = routerFixture();
    const [ada, bob, cy] = ['ada', 'bob', 'cy'].map((name) => fixture.addUser(name));
    const backup = fixture.addGroup('backup', [bob, cy]);
    fixture.addGroup('support', [ada], {
      overflow: { ringGroupId: backup.id, delaySeconds: 30 },
      ringTimeoutSeconds: 60,
    });
    const adaTab = fixture.openTab(ada);
    const bobTab = fixture.openTab(bob);
    const { id } = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.deepEqual([adaTab.call(id)?.status, bobTab.call(id)], ['ringing', undefined]);
    fixture.scheduler.advance(29_999);
    assert.equal(bobTab.call(id), undefined, 'not before the delay');
    fixture.scheduler.advance(1);
    assert.deepEqual(
      [adaTab.call(id)?.status, bobTab.call(id)?.status],
      ['ringing', 'ringing'],
      'the group still rings, the overflow group too',
    );
    const cyTab = fixture.openTab(cy);
    assert.equal(
      cyTab.call(id)?.status,
      'ringing',
      'an overflow member coming online is offered it',
    );
    fixture.router.accept(bobTab.sessionId, id);
    assert.equal(fixture.router.liveCall(TENANT, id)?.answeredBy?.name, 'bob');
    assert.equal(adaTab.call(id)?.endReason, 'answered_elsewhere');
  });

  test('a call answered before the delay never overflows; a call to a one-at-a-time group tries the overflow members after its own', async () => {
    const fixture = routerFixture();
    const [ada, bob] = [fixture.addUser('ada'), fixture.addUser('bob')];
    const backup = fixture.addGroup('backup', [bob]);
    fixture.addGroup('support', [ada], {
      strategy: 'sequential',
      overflow: { ringGroupId: backup.id, delaySeconds: 10 },
    });
    const [adaTab, bobTab] = [fixture.openTab(ada), fixture.openTab(bob)];
    const answered = await fixture.router.placeCall(TENANT, {
      from: caller,
      to: '/group/support',
    });
    fixture.router.accept(adaTab.sessionId, answered.id);
    fixture.scheduler.advance(10_000);
    assert.equal(bobTab.call(answered.id), undefined);
    fixture.router.hangup(adaTab.sessionId, answered.id);

    const waiting = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.equal(adaTab.call(waiting.id)?.status, 'ringing');
    fixture.scheduler.advance(10_000);
    assert.equal(bobTab.call(waiting.id), undefined, 'ada still rings alone');
    fixture.router.reject(adaTab.sessionId, waiting.id);
    assert.equal(bobTab.call(waiting.id)?.status, 'ringing', 'then the overflow member');
  });
});

describe("a group's wrap-up time", () => {
  test('the agent who handled a call of the group wraps up for the group’s time, not the server default', async () => {
    const fixture = routerFixture({ wrapUpSeconds: 30 });
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada], { wrapUpSeconds: 5 });
    const tab = fixture.openTab(ada);
    const { id } = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    fixture.router.accept(tab.sessionId, id);
    fixture.router.hangup(tab.sessionId, id);
    assert.equal(tab.presence, 'wrap-up');
    fixture.scheduler.advance(4_999);
    assert.equal(tab.presence, 'wrap-up');
    fixture.scheduler.advance(1);
    assert.equal(tab.presence, 'available');
  });
});
