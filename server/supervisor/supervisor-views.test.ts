/**
 * Group figures and waiting samples computed directly from facts: the windows, the service
 * level threshold and what counts as abandoned.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  callView,
  groupFigures,
  groupView,
  startOfUtcDay,
  WaitingHistory,
} from './supervisor-views.ts';
import { TENANT, routerFixture } from '../routing/testing/router-fixture.ts';
import type { EndedCallFact } from './supervisor-repository.ts';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const minutes = (count: number) => count * 60_000;

function ended(overrides: Partial<EndedCallFact>): EndedCallFact {
  return {
    id: Math.random().toString(36),
    ringGroupId: 'g1',
    createdAt: now - minutes(60),
    answeredAt: null,
    endedAt: now - minutes(59),
    endReason: 'hangup',
    legs: [],
    ...overrides,
  };
}

describe('supervisor views', () => {
  test('figures over today and the last 15 minutes, with the service level threshold', () => {
    const facts = [
      // An hour ago: answered after 10 s (within 20 s), one leg missed before.
      ended({
        createdAt: now - minutes(60),
        answeredAt: now - minutes(60) + 10_000,
        legs: [
          { userId: 'u1', outcome: 'missed', endedAt: now - minutes(60) + 5000 },
          { userId: 'u2', outcome: 'answered', endedAt: now - minutes(58) },
        ],
      }),
      // Five minutes ago: answered after 30 s (outside 20 s).
      ended({
        createdAt: now - minutes(5),
        answeredAt: now - minutes(5) + 30_000,
        endedAt: now - minutes(3),
      }),
      // Two minutes ago: the caller gave up.
      ended({
        createdAt: now - minutes(3),
        endedAt: now - minutes(2),
        endReason: 'caller_cancelled',
      }),
      // Nobody answered within the maximum wait: unanswered, not abandoned.
      ended({ createdAt: now - minutes(4), endedAt: now - minutes(1), endReason: 'no_answer' }),
      // Another group and yesterday are not counted.
      ended({ ringGroupId: 'g2', answeredAt: now - minutes(59) }),
      ended({
        createdAt: now - minutes(24 * 60),
        answeredAt: now - minutes(24 * 60) + 1000,
        endedAt: now - minutes(23 * 60),
      }),
    ];
    assert.deepEqual(groupFigures('g1', startOfUtcDay(now), facts, [], 20), {
      answered: 2,
      abandoned: 1,
      missed: 1,
      averageWaitMs: 20_000,
      serviceLevel: 1 / 4,
    });
    assert.deepEqual(groupFigures('g1', now - minutes(15), facts, [], 20), {
      answered: 1,
      abandoned: 1,
      missed: 0,
      averageWaitMs: 30_000,
      serviceLevel: 0,
    });
    assert.equal(groupFigures('g1', now - minutes(15), facts, [], 40).serviceLevel, 1 / 3);
    assert.deepEqual(groupFigures('none', startOfUtcDay(now), facts, [], 20), {
      answered: 0,
      abandoned: 0,
      missed: 0,
      averageWaitMs: null,
      serviceLevel: null,
    });
  });

  test('waiting samples keep the most per minute for an hour', () => {
    const history = new WaitingHistory();
    history.record('g1', now - minutes(61), 9);
    history.record('g1', now - minutes(2), 1);
    history.record('g1', now - minutes(2) + 1000, 4);
    history.record('g1', now - minutes(2) + 2000, 2);
    history.record('g1', now, 0);
    assert.deepEqual(history.samples('g1'), [
      { at: now - minutes(2), waiting: 4 },
      { at: now, waiting: 0 },
    ]);
    assert.deepEqual(history.samples('g2'), []);
  });
});

describe('why a call waits', () => {
  test("closed: a call hearing its closed group's script waits for nobody, whoever is available", async () => {
    const fixture = routerFixture();
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada], {
      businessHours: {
        hours: [],
        holidays: [],
        closed: { action: 'script', script: [{ play: 'test-pattern', seconds: 5 }] },
      },
    });
    fixture.openTab(ada);
    const { id } = await fixture.router.placeCall(TENANT, {
      from: { name: 'Customer', address: '+15550100' },
      to: '/group/support',
    });
    const call = fixture.router.liveCallsOf(TENANT).find((live) => live.id === id)!;
    const view = callView(
      call,
      (userId) => userId,
      (userId) => fixture.router.agentStateOf(TENANT, userId),
    );
    assert.equal(view?.waitingReason, 'closed');
  });

  test('nobody available, nobody with the skill, or nothing to say while it rings', async () => {
    const fixture = routerFixture();
    const ada = fixture.addUser('ada');
    fixture.addGroup('support', [ada], { strategy: 'longest-idle' });
    const place = async (requiredSkills?: Record<string, number>) =>
      (
        await fixture.router.placeCall(TENANT, {
          from: { name: 'Customer', address: '+15550100' },
          to: '/group/support',
          ...(requiredSkills ? { requiredSkills } : {}),
        })
      ).id;
    const reasonOf = (callId: string) => {
      const call = fixture.router.liveCallsOf(TENANT).find((live) => live.id === callId)!;
      return callView(
        call,
        (userId) => userId,
        (userId) => fixture.router.agentStateOf(TENANT, userId),
      )?.waitingReason;
    };
    const plain = await place();
    const skilled = await place({ german: 5 });
    assert.deepEqual(
      [reasonOf(plain), reasonOf(skilled)],
      ['nobody-available', 'nobody-available'],
    );
    fixture.openTab(ada);
    await fixture.settle();
    assert.deepEqual([reasonOf(plain), reasonOf(skilled)], [null, 'nobody-with-skill']);
    assert.equal(
      callView(
        fixture.router.liveCallsOf(TENANT).find((live) => live.id === plain)!,
        (userId) => userId,
      )?.waitingReason,
      undefined,
      'only asked for when the agents are known',
    );
  });

  test("a group's view names its strategy", () => {
    const view = groupView(
      { id: 'g', name: 'support', memberIds: [], serviceLevelSeconds: 20, strategy: 'sequential' },
      now,
      [],
      [],
      new WaitingHistory(),
    );
    assert.equal(view.strategy, 'sequential');
  });
});
