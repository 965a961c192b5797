/**
 * The ring strategies on a manual clock: who rings first, who rings next when an agent
 * declines, lets the attempt time out or leaves mid-ring, and what happens once everyone was
 * tried. The guarantees of ring-all hold for each: one winner, nobody unavailable rung, FIFO.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserRecord } from '../../directory/directory.ts';
import { TENANT, routerFixture, type Tab } from '../testing/router-fixture.ts';

const caller = { name: 'Customer', address: '+15550100' };

/** Which of the tabs ring for the call, by username. */
const ringing = (callId: string, tabs: Tab[]) =>
  tabs.filter((tab) => tab.call(callId)?.status === 'ringing').map((tab) => tab.user.username);

/** Three agents of one group with the strategy, online one second apart (ada first). */
function groupOfThree(strategy: string, timings = {}) {
  const fixture = routerFixture();
  const users = ['ada', 'bob', 'cy'].map((name) => fixture.addUser(name));
  fixture.addGroup('support', users, {
    strategy,
    ringTimeoutSeconds: 10,
    retryIntervalSeconds: 5,
    maxWaitSeconds: 600,
    ...timings,
  });
  const tabs: Tab[] = [];
  for (const user of users) {
    tabs.push(fixture.openTab(user));
    fixture.scheduler.advance(1_000);
  }
  const place = async () =>
    (await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' })).id;
  return { ...fixture, users, tabs, place };
}

/** Ends the agent's call and makes it available again (which makes it the least idle). */
function finishCall(
  fixture: ReturnType<typeof groupOfThree>,
  tab: Tab,
  callId: string,
  user: UserRecord,
) {
  fixture.router.hangup(tab.sessionId, callId);
  assert.equal(fixture.router.presenceOf(TENANT, user.id), 'available');
}

describe('longest-idle', () => {
  test('the agent available longest rings alone; a decline rings the next longest at once', async () => {
    const fixture = groupOfThree('longest-idle');
    const { router, tabs, place } = fixture;
    const id = await place();
    assert.deepEqual(ringing(id, tabs), ['ada']);
    router.reject(tabs[0].sessionId, id);
    assert.deepEqual(ringing(id, tabs), ['bob'], 'no retry interval between agents');
    router.accept(tabs[1].sessionId, id);
    assert.equal(router.liveCall(TENANT, id)?.answeredBy?.name, 'bob');
  });

  test('an agent who just finished a call goes to the back', async () => {
    const fixture = groupOfThree('longest-idle');
    const { router, tabs, users, place, scheduler } = fixture;
    const first = await place();
    router.accept(tabs[0].sessionId, first);
    scheduler.advance(30_000);
    finishCall(fixture, tabs[0], first, users[0]);
    const second = await place();
    assert.deepEqual(ringing(second, tabs), ['bob']);
    router.reject(tabs[1].sessionId, second);
    assert.deepEqual(ringing(second, tabs), ['cy']);
    router.reject(tabs[2].sessionId, second);
    assert.deepEqual(ringing(second, tabs), ['ada'], 'the one idle least rings last');
  });
});

describe('round-robin', () => {
  test('consecutive calls start with the member rung least recently, whoever answered', async () => {
    const fixture = groupOfThree('round-robin');
    const { router, tabs, place, scheduler } = fixture;
    const starts: string[] = [];
    for (let n = 0; n < 4; n++) {
      const id = await place();
      starts.push(...ringing(id, tabs));
      router.hangupCall(TENANT, id); // the caller gives up while it rings
      scheduler.advance(1_000);
    }
    assert.deepEqual(starts, ['ada', 'bob', 'cy', 'ada']);
  });

  test('a missed attempt moves on to the next member', async () => {
    const { tabs, place, scheduler } = groupOfThree('round-robin');
    const id = await place();
    assert.deepEqual(ringing(id, tabs), ['ada']);
    scheduler.advance(10_000);
    assert.deepEqual(ringing(id, tabs), ['bob']);
    assert.equal(tabs[0].call(id)?.endReason, 'no_answer');
  });
});

describe('sequential', () => {
  test('members ring in member order; declines and timeouts move on; after the last, the retry interval, then the first again', async () => {
    const { router, tabs, place, scheduler, records } = groupOfThree('sequential');
    const id = await place();
    assert.deepEqual(ringing(id, tabs), ['ada']);
    router.reject(tabs[0].sessionId, id);
    assert.deepEqual(ringing(id, tabs), ['bob']);
    scheduler.advance(10_000); // bob lets it time out
    assert.deepEqual(ringing(id, tabs), ['cy']);
    router.reject(tabs[2].sessionId, id);
    assert.deepEqual(ringing(id, tabs), [], 'everyone was tried: the call waits');
    assert.equal(router.liveCall(TENANT, id)?.status, 'queued');
    scheduler.advance(4_999);
    assert.deepEqual(ringing(id, tabs), []);
    scheduler.advance(1);
    assert.deepEqual(ringing(id, tabs), ['ada'], 'a new round starts with the first member');
    router.accept(tabs[0].sessionId, id);
    router.hangupCall(TENANT, id);
    const outcomes = records.ended[0].legs.map((leg) => `${leg.attempt}:${leg.outcome}`);
    assert.deepEqual(outcomes, ['1:rejected', '2:missed', '3:rejected', '4:answered']);
  });

  test('an agent leaving mid-ring hands the call to the next member at once', async () => {
    const { router, tabs, place } = groupOfThree('sequential');
    const id = await place();
    router.goOffline(tabs[0].sessionId);
    assert.deepEqual(ringing(id, tabs), ['bob']);
    router.setPresence(tabs[1].sessionId, 'away');
    assert.deepEqual(ringing(id, tabs), ['cy']);
  });

  test('nobody unavailable is rung, and a newcomer does not join an attempt in progress', async () => {
    const fixture = routerFixture();
    const [ada, bob, cy] = ['ada', 'bob', 'cy'].map((name) => fixture.addUser(name));
    fixture.addGroup('support', [ada, bob, cy], { strategy: 'sequential' });
    const adaTab = fixture.openTab(ada);
    fixture.router.setPresence(adaTab.sessionId, 'away');
    const bobTab = fixture.openTab(bob);
    const { id } = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    const cyTab = fixture.openTab(cy);
    fixture.router.setPresence(adaTab.sessionId, 'available');
    assert.deepEqual(ringing(id, [adaTab, bobTab, cyTab]), ['bob']);
    fixture.router.reject(bobTab.sessionId, id);
    assert.deepEqual(ringing(id, [adaTab, bobTab, cyTab]), ['ada']);
  });

  test('queued calls reach an agent who becomes available oldest first, one ringing agent each', async () => {
    const fixture = routerFixture();
    const [ada, bob] = [fixture.addUser('ada'), fixture.addUser('bob')];
    fixture.addGroup('support', [ada, bob], { strategy: 'sequential' });
    const older = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    fixture.scheduler.advance(1);
    const newer = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    const bobTab = fixture.openTab(bob);
    await fixture.settle();
    assert.deepEqual(
      bobTab.calls.map((call) => call.id),
      [older.id],
      'the oldest call rings bob; the newer one does not ring him at the same time',
    );
    const adaTab = fixture.openTab(ada);
    await fixture.settle();
    assert.deepEqual(
      adaTab.calls.map((call) => call.id),
      [newer.id],
    );
    fixture.router.accept(bobTab.sessionId, older.id);
    assert.deepEqual(ringing(newer.id, [adaTab, bobTab]), ['ada']);
  });

  test('the tabs of one agent all ring, and the first accept wins for everyone', async () => {
    const fixture = routerFixture();
    const [ada, bob] = [fixture.addUser('ada'), fixture.addUser('bob')];
    fixture.addGroup('support', [ada, bob], { strategy: 'sequential' });
    const [first, second] = [fixture.openTab(ada), fixture.openTab(ada)];
    fixture.openTab(bob);
    const { id } = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.deepEqual([first.call(id)?.status, second.call(id)?.status], ['ringing', 'ringing']);
    fixture.router.accept(second.sessionId, id);
    assert.equal(first.call(id)?.status, 'disconnected');
    assert.deepEqual(first.call(id)?.answeredBy, { id: ada.id, name: 'ada' });
  });
});

describe('strategy names', () => {
  test('a group naming an unknown strategy rings everyone, like ring-all', async () => {
    const { tabs, place } = groupOfThree('no-such-strategy');
    const id = await place();
    assert.deepEqual(ringing(id, tabs), ['ada', 'bob', 'cy']);
  });
});

describe('priority', () => {
  test('an agent who becomes available is offered waiting calls by priority, oldest first within one, whatever the strategy', async () => {
    for (const strategy of ['ring-all', 'sequential']) {
      const fixture = routerFixture();
      const ada = fixture.addUser('ada');
      fixture.addGroup('support', [ada], { strategy });
      const place = async (priority?: number) => {
        const { id } = await fixture.router.placeCall(TENANT, {
          from: caller,
          to: '/group/support',
          ...(priority === undefined ? {} : { priority }),
        });
        fixture.scheduler.advance(1_000);
        return id;
      };
      const oldLow = await place();
      const high = await place(5);
      const newLow = await place(0);
      const urgent = await place(9);
      const tab = fixture.openTab(ada);
      await fixture.settle();
      // Sequential rings Ada for one call at a time: each decline frees her for the next one.
      if (strategy === 'sequential')
        for (const id of [urgent, high, oldLow]) fixture.router.reject(tab.sessionId, id);
      // The order Ada was offered them (her list itself shows calls by arrival).
      const offered = fixture.records.transitions.flatMap((transition) =>
        transition.type === 'legRung' ? [transition.leg.callId] : [],
      );
      assert.deepEqual(offered, [urgent, high, oldLow, newLow], strategy);
    }
  });
});

describe('skills', () => {
  test('a call requiring skills rings only agents holding each at or above its level, best match first', async () => {
    const fixture = routerFixture();
    const users = ['ada', 'bob', 'cy', 'dee'].map((name) => fixture.addUser(name));
    const [ada, bob, cy, dee] = users as [UserRecord, UserRecord, UserRecord, UserRecord];
    ada.skills = { spanish: 3 }; // too low
    bob.skills = { spanish: 6, billing: 2 };
    cy.skills = { spanish: 9, billing: 5 }; // the best match
    // dee: no skills at all
    fixture.addGroup('support', users, { strategy: 'sequential' });
    const tabs = users.map((user) => fixture.openTab(user));
    const { id } = await fixture.router.placeCall(TENANT, {
      from: caller,
      to: '/group/support',
      requiredSkills: { spanish: 5, billing: 1 },
    });
    assert.deepEqual(ringing(id, tabs), ['cy']);
    fixture.router.reject(tabs[2].sessionId, id);
    assert.deepEqual(ringing(id, tabs), ['bob']);
    fixture.router.reject(tabs[1].sessionId, id);
    assert.deepEqual(ringing(id, tabs), [], 'nobody else holds the skills');

    const anyone = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' });
    assert.deepEqual(ringing(anyone.id, tabs), ['ada'], 'a call without skills rings as usual');
    void dee;
  });

  test('a transfer with skills rings only the destination agents holding them; without, everyone', async () => {
    for (const mode of ['blind', 'warm'] as const) {
      const fixture = routerFixture();
      const [ada, bob, cy] = ['ada', 'bob', 'cy'].map((name) => fixture.addUser(name)) as [
        UserRecord,
        UserRecord,
        UserRecord,
      ];
      bob.skills = { spanish: 2 }; // too low
      cy.skills = { spanish: 6 };
      fixture.addGroup('experts', [bob, cy]);
      const [adaTab, bobTab, cyTab] = [ada, bob, cy].map((user) => fixture.openTab(user));
      const transferOnce = async (skills?: Record<string, number>) => {
        const { id } = await fixture.router.placeCall(TENANT, { from: caller, to: '/private/ada' });
        fixture.router.accept(adaTab.sessionId, id);
        await fixture.router.transfer(adaTab.sessionId, id, '/group/experts', mode, undefined, {
          requiredSkills: skills,
        });
        // Warm: the consultation call is what rings the destination.
        const rung = mode === 'blind' ? id : adaTab.outgoing.keys().next().value!;
        const rings = ringing(rung, [bobTab, cyTab]);
        if (rung !== id) fixture.router.hangupCall(TENANT, rung);
        fixture.router.hangupCall(TENANT, id);
        adaTab.outgoing.clear();
        fixture.scheduler.advance(10_000);
        return rings;
      };
      assert.deepEqual(await transferOnce({ spanish: 5 }), ['cy'], mode);
      assert.deepEqual(await transferOnce(), ['bob', 'cy'], `${mode} without skills`);
    }
  });

  test('skills changed while a call waits count at once', async () => {
    const fixture = routerFixture();
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada]);
    const tab = fixture.openTab(ada);
    const { id } = await fixture.router.placeCall(TENANT, {
      from: caller,
      to: '/group/support',
      requiredSkills: { french: 4 },
    });
    assert.equal(tab.call(id), undefined);
    fixture.router.setAgentSkills(TENANT, ada.id, { french: 3 });
    assert.equal(tab.call(id), undefined, 'still too low');
    fixture.router.setAgentSkills(TENANT, ada.id, { french: 4 });
    assert.equal(tab.call(id)?.status, 'ringing');
  });
});

describe('one call at a time per agent (longest-idle, round-robin, sequential)', () => {
  for (const strategy of ['longest-idle', 'round-robin', 'sequential']) {
    test(`${strategy}: an agent ringing for one call is not offered a second; the next agent is`, async () => {
      const { tabs, place } = groupOfThree(strategy);
      const first = await place();
      const second = await place();
      assert.deepEqual(ringing(first, tabs), ['ada']);
      assert.deepEqual(ringing(second, tabs), ['bob']);
      const third = await place();
      assert.deepEqual(ringing(third, tabs), ['cy']);
      for (const tab of tabs)
        assert.equal(tab.calls.filter((call) => call.status === 'ringing').length, 1);
    });
  }

  test('a call waiting for the only agent rings them as soon as their ringing call ends', async () => {
    const fixture = routerFixture();
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada], { strategy: 'sequential', retryIntervalSeconds: 5 });
    const tab = fixture.openTab(ada);
    const place = async () =>
      (await fixture.router.placeCall(TENANT, { from: caller, to: '/group/support' })).id;
    const first = await place();
    const second = await place();
    assert.deepEqual(ringing(first, [tab]), ['ada']);
    assert.equal(tab.call(second), undefined, 'ada already rings');
    assert.equal(fixture.router.liveCall(TENANT, second)?.status, 'queued');
    fixture.router.reject(tab.sessionId, first);
    assert.deepEqual(ringing(second, [tab]), ['ada'], 'declining the first frees ada at once');
    assert.notEqual(tab.call(first)?.status, 'ringing');
    fixture.router.hangupCall(TENANT, first); // the first caller gives up during its retry wait
    fixture.router.accept(tab.sessionId, second);
    assert.equal(fixture.router.liveCall(TENANT, second)?.answeredBy?.name, 'ada');
  });

  test('an agent ringing for a ring-all call is offered a sequential call once another agent answers the first', async () => {
    const fixture = routerFixture();
    const [ada, bob] = [fixture.addUser('ada'), fixture.addUser('bob')];
    fixture.addGroup('everyone', [ada, bob], { strategy: 'ring-all' });
    fixture.addGroup('sales', [ada], { strategy: 'sequential' });
    const [adaTab, bobTab] = [fixture.openTab(ada), fixture.openTab(bob)];
    const toAll = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/everyone' });
    const toSales = await fixture.router.placeCall(TENANT, { from: caller, to: '/group/sales' });
    assert.deepEqual(ringing(toAll.id, [adaTab, bobTab]), ['ada', 'bob']);
    assert.equal(adaTab.call(toSales.id), undefined);
    fixture.router.accept(bobTab.sessionId, toAll.id);
    assert.equal(adaTab.call(toAll.id)?.endReason, 'answered_elsewhere');
    assert.deepEqual(ringing(toSales.id, [adaTab]), ['ada']);
  });

  test('ring-all keeps ringing an agent for several calls at once (the list shows them all)', async () => {
    const { tabs, place } = groupOfThree('ring-all');
    const first = await place();
    const second = await place();
    assert.deepEqual(ringing(first, tabs), ['ada', 'bob', 'cy']);
    assert.deepEqual(ringing(second, tabs), ['ada', 'bob', 'cy']);
  });
});
