/**
 * Calls to /private/<name> over real sockets: every online tab of the user rings, the ring
 * timeout ends it no_answer, declining in every tab ends it rejected, and a call belongs to the
 * tab that answered it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, onlineAgent, openTab, placeCall, waitForCallState } from '../session/testing/scenario.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 1 });
});
after(() => server.close());

describe('private calls', { concurrency: true }, () => {
  test("rings all of the user's online tabs, not a tab that has not come online", async () => {
    const ada = await onlineAgent(server, 'tabs@p.test', 'Ada');
    const secondTab = await openTab(server, ada);
    const idleTab = await openTab(server, ada, { online: false });
    const call = await placeCall(server, ada.address);
    await Promise.all([ada.tab.waitForCall(call.id, 'ringing'), secondTab.waitForCall(call.id, 'ringing')]);
    assert.deepEqual(call.to, { name: 'Ada', address: '/private/tabs' });
    assert.deepEqual(idleTab.calls, []);
    await closeAll([ada.tab, secondTab, idleTab]);
  });

  test('nobody accepting within the ring timeout ends the call no_answer', async () => {
    const ada = await onlineAgent(server, 'timeout@p.test');
    const call = await placeCall(server, ada.address);
    await ada.tab.waitForCall(call.id, 'disconnected', 'no_answer', 4000);
    const ended = await waitForCallState(server, call.id, (detail) => detail.status === 'ended', 'to end');
    assert.equal(ended.endReason, 'no_answer');
    assert.deepEqual(ended.legs.map((leg) => leg.outcome), ['missed']);
    await ada.tab.close();
  });

  test('a reject ends only that tab; rejected in every tab, the caller hears rejected', async () => {
    const ada = await onlineAgent(server, 'reject@p.test');
    const secondTab = await openTab(server, ada);
    const caller = await onlineAgent(server, 'reject-caller@p.test', undefined, { online: false });
    const reply = await caller.tab.request({ type: 'call.dial', to: ada.address, params: { reason: 'billing' } });
    const callId = (reply as { call: { id: string } }).call.id;
    await Promise.all([ada.tab.waitForCall(callId, 'ringing'), secondTab.waitForCall(callId, 'ringing')]);
    await ada.tab.request({ type: 'call.reject', callId });
    await ada.tab.waitForCall(callId, 'disconnected', 'rejected');
    assert.equal(secondTab.call(callId)?.status, 'ringing');
    await secondTab.request({ type: 'call.reject', callId });
    const outgoing = await caller.tab.waitForOutgoing(callId, (view) => view.status === 'disconnected', 'ended');
    assert.equal(outgoing.endReason, 'rejected');
    await closeAll([ada.tab, secondTab, caller.tab]);
  });

  test('closing another tab never touches the call; closing the tab that answered hangs it up', async () => {
    const ada = await onlineAgent(server, 'owner@p.test', 'Owner');
    const otherTab = await openTab(server, ada);
    const caller = await onlineAgent(server, 'owner-caller@p.test', undefined, { online: false });
    const reply = await caller.tab.request({ type: 'call.dial', to: ada.address });
    const callId = (reply as { call: { id: string } }).call.id;
    await otherTab.waitForCall(callId, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId });
    const elsewhere = await otherTab.waitForCall(callId, 'disconnected', 'answered_elsewhere');
    assert.deepEqual(elsewhere.answeredBy, { id: ada.user.id, name: 'Owner' });

    await otherTab.close();
    assert.equal((await ada.tab.request({ type: 'ping' })).type, 'pong');
    assert.equal(ada.tab.call(callId)?.status, 'connected', 'still connected after the other tab closed');
    await ada.tab.close();
    const outgoing = await caller.tab.waitForOutgoing(callId, (view) => view.status === 'disconnected', 'ended');
    assert.equal(outgoing.endReason, 'hangup');
    await caller.tab.close();
  });

  test('a tab that answered and then lost its connection ends the call failed for the caller', async () => {
    const ada = await onlineAgent(server, 'lost@p.test');
    const caller = await onlineAgent(server, 'lost-caller@p.test', undefined, { online: false });
    const reply = await caller.tab.request({ type: 'call.dial', to: ada.address });
    const callId = (reply as { call: { id: string } }).call.id;
    await ada.tab.waitForCall(callId, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId });
    await caller.tab.waitForOutgoing(callId, (view) => view.status === 'connected', 'connected');
    ada.tab.kill();
    const outgoing = await caller.tab.waitForOutgoing(callId, (view) => view.status === 'disconnected', 'ended');
    assert.equal(outgoing.endReason, 'failed');
    await caller.tab.close();
  });

  test('dialing errors: unknown user, unknown group, malformed address', async () => {
    const caller = await onlineAgent(server, 'errors@p.test', undefined, { online: false });
    const unknownUser = await caller.tab.request({ type: 'call.dial', to: '/private/nobody-here' });
    assert.deepEqual([unknownUser.type, (unknownUser as { code?: string }).code], ['error', 'not-found']);
    const unknownGroup = await caller.tab.request({ type: 'call.dial', to: '/group/nothing' });
    assert.deepEqual([unknownGroup.type, (unknownGroup as { code?: string }).code], ['error', 'not-found']);
    const malformed = await caller.tab.request({ type: 'call.dial', to: 'ada' });
    assert.deepEqual([malformed.type, (malformed as { code?: string }).code], ['error', 'bad-message']);
    await caller.tab.close();
  });
});
