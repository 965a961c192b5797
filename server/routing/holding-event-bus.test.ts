import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { InProcessEventBus } from './event-bus.ts';
import { HoldingEventBus } from './holding-event-bus.ts';

const pong = (requestId: string) => ({ type: 'pong', requestId }) as ServerMessage;

test("a held session's frames wait, in order, until every hold on it is released", () => {
  const bus = new HoldingEventBus(new InProcessEventBus());
  const received: { sessionId: string; requestId?: string }[] = [];
  for (const sessionId of ['s1', 's2'])
    bus.subscribe(sessionId, (message) =>
      received.push({ sessionId, requestId: (message as { requestId?: string }).requestId }),
    );

  const first = bus.hold('s1');
  const second = bus.hold('s1'); // two dials from one tab at once
  bus.publish('s1', pong('a'));
  bus.publish('s2', pong('other tab')); // other sessions are not held
  bus.publish('s1', pong('b'));
  assert.deepEqual(received, [{ sessionId: 's2', requestId: 'other tab' }]);

  first();
  first(); // releasing twice does not release the other hold
  assert.equal(received.length, 1, 'still held by the second dial');
  second();
  bus.publish('s1', pong('c'));
  assert.deepEqual(
    received.map((frame) => frame.requestId),
    ['other tab', 'a', 'b', 'c'],
  );
});
