/**
 * AdminChanges alone, on node:test's mocked timers: a burst of changes reaches each watcher of
 * the tenant as one list of sections, `coalesceMs` after the first; other tenants hear nothing;
 * a tenant nobody watches keeps nothing.
 */
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdminSection } from '../../protocol/admin-protocol.ts';
import { AdminChanges } from './admin-changes.ts';

test('a burst of changes is one frame per watcher, coalesceMs after the first', (context) => {
  context.mock.timers.enable({ apis: ['setTimeout'] });
  const changes = new AdminChanges(100);
  const heard: Record<string, AdminSection[][]> = { first: [], second: [], other: [] };
  changes.watch('t1', (sections) => heard.first.push(sections));
  const stopSecond = changes.watch('t1', (sections) => heard.second.push(sections));
  changes.watch('t2', (sections) => heard.other.push(sections));

  changes.changed('t1', 'people');
  context.mock.timers.tick(60);
  changes.changed('t1', 'ring-groups', 'people');
  changes.changed('t1', 'phone-numbers');
  context.mock.timers.tick(39);
  assert.deepEqual(heard.first, [], 'nothing before coalesceMs');
  context.mock.timers.tick(1);
  assert.deepEqual(heard.first, [['people', 'ring-groups', 'phone-numbers']]);
  assert.deepEqual(heard.second, heard.first);
  assert.deepEqual(heard.other, []);

  // The next change starts a new burst; a watcher that stopped hears no more.
  stopSecond();
  changes.changed('t1', 'api-keys');
  context.mock.timers.tick(100);
  assert.deepEqual(heard.first, [['people', 'ring-groups', 'phone-numbers'], ['api-keys']]);
  assert.equal(heard.second.length, 1);
  changes.stop();
});

test('a tenant nobody watches keeps nothing and starts no timer', () => {
  const setTimeoutSpy = mock.method(globalThis, 'setTimeout');
  try {
    const changes = new AdminChanges(100);
    changes.changed('nobody', 'people');
    assert.equal(setTimeoutSpy.mock.callCount(), 0);
    // Watching later does not replay what happened before.
    const heard: AdminSection[][] = [];
    const stop = changes.watch('nobody', (sections) => heard.push(sections));
    stop();
    changes.changed('nobody', 'people');
    assert.equal(setTimeoutSpy.mock.callCount(), 0);
    assert.deepEqual(heard, []);
  } finally {
    setTimeoutSpy.mock.restore();
  }
});
