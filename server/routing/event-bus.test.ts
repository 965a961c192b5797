import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { frameText, InProcessEventBus, withFrameText } from './event-bus.ts';

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

test('a frame is serialised once, or not at all when its publisher attached its JSON', () => {
  const presence: ServerMessage = { type: 'presence', presence: 'available' };
  const text = frameText(presence);
  assert.equal(text, JSON.stringify(presence));
  assert.equal(frameText(presence), text, 'the same text for every tab it goes to');

  const queues = withFrameText({ type: 'queues', groups: [] }, '{"type":"queues","groups":[]}');
  assert.equal(frameText(queues), '{"type":"queues","groups":[]}');
  assert.equal(frameText(queues), JSON.stringify(queues), 'exactly what serialising gives');
});
