import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessEventBus } from './event-bus.ts';

test('unsubscribing twice leaves the listener of a newer socket of the same session alone', () => {
  const bus = new InProcessEventBus();
  const received: string[] = [];
  const unsubscribeOld = bus.subscribe('s1', () => received.push('old'));
  unsubscribeOld(); // the old socket is superseded
  bus.subscribe('s1', () => received.push('new')); // the resumed socket
  unsubscribeOld(); // the old socket's close event, later
  bus.publish('s1', { type: 'incoming_calls', calls: [] });
  assert.deepEqual(received, ['new']);
});
