/**
 * After-call work over real sockets and the real database: the agent who hung up is in wrap-up
 * (a `wrap_up` frame, presence `wrap-up`, not rung), its wrap-up row is stamped with when it
 * began and ended, `wrap_up.end` / `wrap_up.extend` work and refuse bad input. Routing's own
 * rules on a manual clock: server/routing/after-call-work.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, onlineAgent, placeCall } from '../session/testing/scenario.ts';
import type { AgentClient } from '../session/testing/agent-client.ts';
import { expectError, expectOk } from '../routing/testing/transfer-scenario.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 20, wrapUpSeconds: 30 });
});
after(() => server.close());

/** Polls `condition` until it gives a value (frames arrive on their own; rows are written behind). */
async function waitFor<T>(
  condition: () => T | undefined | null | Promise<T | undefined | null>,
  description: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const lastWrapUp = (tab: AgentClient) =>
  tab.frames
    .filter(
      (frame): frame is Extract<ServerMessage, { type: 'wrap_up' }> => frame.type === 'wrap_up',
    )
    .at(-1)?.wrapUp;

describe('after-call work', { concurrency: true }, () => {
  test('hanging up puts the agent in wrap-up, stamped on the wrap-up row; ending it early makes the agent available', async () => {
    const ada = await onlineAgent(server, 'ada@acw.test', 'Ada Lovelace');
    assert.equal(lastWrapUp(ada.tab), null, 'coming online says there is no wrap-up');
    const call = await placeCall(server, ada.address, { from: 'Katherine' });
    await ada.tab.waitForCall(call.id, 'ringing');
    await expectOk(ada.tab, { type: 'call.accept', callId: call.id });
    await ada.tab.waitForCall(call.id, 'connected');
    const hungUpAt = Date.now();
    await expectOk(ada.tab, { type: 'call.hangup', callId: call.id });

    await ada.tab.waitForPresence('wrap-up');
    const wrapUp = await waitFor(() => lastWrapUp(ada.tab), 'a wrap_up frame');
    assert.equal(wrapUp.callId, call.id);
    assert.equal(wrapUp.from.name, 'Katherine');
    assert.ok(wrapUp.endsAt! >= hungUpAt + 29_000 && wrapUp.endsAt! <= Date.now() + 30_000);

    // Not rung while wrapping up: a call to her waits.
    const waiting = await placeCall(server, ada.address);
    const row = await waitFor(async () => {
      const response = await requestJson(server.url, 'GET', `/api/calls/${call.id}/wrap-up`, {
        token: ada.token,
      });
      return response.body.startedAt !== null ? response.body : undefined;
    }, 'the wrap-up row stamped');
    assert.equal(row.startedAt, wrapUp.startedAt);
    assert.equal(row.endedAt, null);
    assert.equal(
      ada.tab.calls.find((view) => view.id === waiting.id),
      undefined,
    );

    await expectOk(ada.tab, { type: 'wrap_up.end' });
    await ada.tab.waitForPresence('available');
    assert.equal(lastWrapUp(ada.tab), null);
    await ada.tab.waitForCall(waiting.id, 'ringing');
    const ended = await waitFor(async () => {
      const response = await requestJson(server.url, 'GET', `/api/calls/${call.id}/wrap-up`, {
        token: ada.token,
      });
      return response.body.endedAt !== null ? response.body : undefined;
    }, 'the wrap-up row ended');
    assert.ok(ended.endedAt >= ended.startedAt);
    await closeAll([ada.tab]);
  });

  test('extending moves the end; bad extensions and commands outside wrap-up are refused', async () => {
    const bob = await onlineAgent(server, 'bob@acw.test', 'Bob');
    await expectError(bob.tab, { type: 'wrap_up.end' }, 'wrong-state', /not in wrap-up/);
    await expectError(
      bob.tab,
      { type: 'wrap_up.extend', seconds: 30 },
      'wrong-state',
      /not in wrap-up/,
    );
    const call = await placeCall(server, bob.address);
    await bob.tab.waitForCall(call.id, 'ringing');
    await expectOk(bob.tab, { type: 'call.accept', callId: call.id });
    await bob.tab.waitForCall(call.id, 'connected');
    await expectOk(bob.tab, { type: 'call.hangup', callId: call.id });
    const first = await waitFor(() => lastWrapUp(bob.tab), 'a wrap_up frame');

    for (const seconds of [0, 601, 1.5, '30'])
      await expectError(bob.tab, { type: 'wrap_up.extend', seconds }, 'bad-message', /seconds/);
    assert.equal(lastWrapUp(bob.tab)?.endsAt, first.endsAt, 'refused extensions change nothing');
    await expectOk(bob.tab, { type: 'wrap_up.extend', seconds: 60 });
    const extended = await waitFor(
      () => (lastWrapUp(bob.tab)?.endsAt !== first.endsAt ? lastWrapUp(bob.tab) : undefined),
      'the extended wrap-up',
    );
    assert.equal(extended.endsAt, first.endsAt! + 60_000);
    assert.equal(bob.tab.presence, 'wrap-up');
    await closeAll([bob.tab]);
  });
});
