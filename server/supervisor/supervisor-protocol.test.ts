/** The supervisor protocol repeats four shapes of the session protocol; they must not drift. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as session from '../../protocol/session-protocol.ts';
import * as supervisor from '../../protocol/supervisor-protocol.ts';

test('Party, AgentRef, RingGroupRef and Presence match the session protocol', () => {
  const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema));
  for (const name of ['Party', 'AgentRef', 'RingGroupRef', 'Presence'] as const)
    assert.deepEqual(plain(supervisor[name]), plain(session[name]), name);
});
