/**
 * Warm transfers over real sockets: the caller holds while the agent consults the destination
 * on a call of its own; completing hands the caller (and the room) over, cancelling or a
 * consultation that fails brings the caller back, and the agent's tab going away mid-transfer
 * never drops the caller.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, onlineAgent, type Agent } from '../session/testing/scenario.ts';
import {
  connectedCall,
  expectError,
  expectOk,
  waitForIncoming,
  waitForLatestOutgoing,
  waitForMedia,
} from './testing/transfer-scenario.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ ringTimeoutSeconds: 2, endedCallLingerMs: 1_000 });
});
after(() => server.close());

const ref = (agent: Agent) => ({ id: agent.user.id, name: agent.user.displayName });

/** Starts a warm transfer of `callId` to `to`; resolves with the consultation call's id. */
async function consult(agent: Agent, callId: string, to: Agent): Promise<string> {
  await expectOk(agent.tab, { type: 'call.transfer', callId, to: to.address, mode: 'warm' });
  const view = await waitForIncoming(
    agent.tab,
    callId,
    (call) => call.transfer?.status === 'ringing',
    'the consultation ringing',
  );
  return view.transfer!.consultationCallId!;
}

async function people(prefix: string) {
  const carol = await onlineAgent(server, `carol@${prefix}.test`, 'Carol', { online: false });
  const ada = await onlineAgent(server, `ada@${prefix}.test`, 'Ada');
  const bob = await onlineAgent(server, `bob@${prefix}.test`, 'Bob');
  return { carol, ada, bob, tabs: [carol.tab, ada.tab, bob.tab] };
}

describe('warm transfer', { concurrency: true }, () => {
  test('consult, then complete: the destination takes the caller in the same room, the consultation ends transferred', async () => {
    const { carol, ada, bob, tabs } = await people('warm-complete');
    const callId = await connectedCall(carol, ada);
    const carolMedia = await waitForMedia(carol.tab, callId);

    const consultationId = await consult(ada, callId, bob);
    const agentView = ada.tab.call(callId)!;
    const carolParty = agentView.from;
    assert.deepEqual(carolParty, { name: 'Carol', address: carol.address });
    assert.equal(agentView.status, 'connected');
    assert.equal(agentView.held, true);
    assert.deepEqual(agentView.transfer, {
      mode: 'warm',
      to: { name: 'Bob', address: bob.address },
      status: 'ringing',
      consultationCallId: consultationId,
    });
    await waitForLatestOutgoing(carol.tab, callId, (call) => call.held === true, 'on hold');
    const dialed = await waitForLatestOutgoing(
      ada.tab,
      consultationId,
      (call) => call.status === 'ringing',
      'the consultation',
    );
    assert.equal(dialed.consultationFor, callId);
    const offered = await bob.tab.waitForCall(consultationId, 'ringing');
    assert.deepEqual(offered.transferredBy, ref(ada));
    assert.equal(offered.consultationFor, callId);
    // Bob is told who the consultation is about: the caller Ada has on hold.
    assert.deepEqual(offered.consultationAbout, carolParty);
    assert.deepEqual(dialed.consultationAbout, carolParty);
    assert.deepEqual(offered.params, { ticket: '4711' }, 'the destination sees the dial params');

    await expectOk(bob.tab, { type: 'call.accept', callId: consultationId });
    await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.transfer?.status === 'consulting',
      'consulting',
    );
    const [adaConsultMedia, bobConsultMedia] = await Promise.all([
      waitForMedia(ada.tab, consultationId),
      waitForMedia(bob.tab, consultationId),
    ]);
    assert.equal(adaConsultMedia.room, bobConsultMedia.room, 'the consultation has its own room');
    assert.notEqual(adaConsultMedia.room, carolMedia.room);

    await expectOk(ada.tab, { type: 'call.transfer.complete', callId });
    const taken = await bob.tab.waitForCall(callId, 'connected');
    assert.deepEqual(taken.transferredBy, ref(ada));
    assert.equal(taken.held, false);
    await bob.tab.waitForCall(consultationId, 'disconnected', 'transferred');
    await waitForLatestOutgoing(
      ada.tab,
      consultationId,
      (call) => call.status === 'disconnected' && call.endReason === 'transferred',
      'consultation ended',
    );
    await ada.tab.waitForCall(callId, 'disconnected', 'transferred');
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === false && call.answeredBy?.id === bob.user.id,
      'with Bob, off hold',
    );
    const bobMedia = await waitForMedia(bob.tab, callId);
    assert.equal(bobMedia.room, carolMedia.room, 'the destination joins the caller’s room');
    await ada.tab.waitForPresence('available');
    assert.equal(bob.tab.presence, 'busy');

    await expectOk(bob.tab, { type: 'call.hangup', callId });
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.endReason === 'hangup',
      'hung up',
    );
    const { records } = server.app.services;
    const record = await records.find(server.tenant.id, callId);
    assert.deepEqual(record?.answeredBy, ref(bob));
    assert.deepEqual(
      record?.legs.map((leg) => [leg.userId, leg.outcome]),
      [
        [ada.user.id, 'transferred'],
        [bob.user.id, 'answered'],
      ],
    );
    const consultation = await records.find(server.tenant.id, consultationId);
    assert.equal(consultation?.endReason, 'transferred');
    assert.deepEqual(consultation?.answeredBy, ref(bob));
    await closeAll(tabs);
  });

  test('cancel, while consulting and while ringing: the consultation ends and the caller is back with the agent', async () => {
    const { carol, ada, bob, tabs } = await people('warm-cancel');
    const dan = await onlineAgent(server, 'dan@warm-cancel.test', 'Dan');
    const callId = await connectedCall(carol, ada);

    const consulted = await consult(ada, callId, bob);
    await bob.tab.waitForCall(consulted, 'ringing');
    await expectOk(bob.tab, { type: 'call.accept', callId: consulted });
    await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.transfer?.status === 'consulting',
      'consulting',
    );
    await expectOk(ada.tab, { type: 'call.transfer.cancel', callId });
    await bob.tab.waitForCall(consulted, 'disconnected', 'hangup');
    await waitForLatestOutgoing(ada.tab, consulted, (call) => call.endReason === 'hangup', 'ended');
    const back = await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.transfer === null && call.held === false,
      'back with the caller',
    );
    assert.equal(back.status, 'connected');
    await waitForLatestOutgoing(carol.tab, callId, (call) => call.held === false, 'off hold');
    await bob.tab.waitForPresence('available');

    const rung = await consult(ada, callId, dan);
    await dan.tab.waitForCall(rung, 'ringing');
    await expectOk(ada.tab, { type: 'call.transfer.cancel', callId });
    await dan.tab.waitForCall(rung, 'disconnected', 'caller_cancelled');
    await waitForIncoming(ada.tab, callId, (call) => call.transfer === null, 'no transfer');
    assert.equal(ada.tab.call(callId)?.status, 'connected');
    await closeAll([...tabs, dan.tab]);
  });

  test('a consultation declined, unanswered or hung up fails the transfer: the caller is back with the agent', async () => {
    const { carol, ada, bob, tabs } = await people('warm-fail');
    const callId = await connectedCall(carol, ada);
    const failed = async (description: string) => {
      const view = await waitForIncoming(
        ada.tab,
        callId,
        (call) => call.transfer?.status === 'failed' && call.held === false,
        description,
        4_000,
      );
      assert.equal(view.status, 'connected');
      await waitForLatestOutgoing(carol.tab, callId, (call) => call.held === false, 'off hold');
      // The failure shows for a moment, then the transfer is gone.
      await waitForIncoming(ada.tab, callId, (call) => call.transfer === null, 'cleared');
    };

    const declined = await consult(ada, callId, bob);
    await bob.tab.waitForCall(declined, 'ringing');
    await expectOk(bob.tab, { type: 'call.reject', callId: declined });
    await waitForLatestOutgoing(
      ada.tab,
      declined,
      (call) => call.endReason === 'rejected',
      'declined',
    );
    await failed('declined');

    const unanswered = await consult(ada, callId, bob);
    await bob.tab.waitForCall(unanswered, 'disconnected', 'no_answer', 4_000);
    await failed('timed out');

    const hungUp = await consult(ada, callId, bob);
    await bob.tab.waitForCall(hungUp, 'ringing');
    await expectOk(bob.tab, { type: 'call.accept', callId: hungUp });
    await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.transfer?.status === 'consulting',
      'consulting',
    );
    await expectOk(bob.tab, { type: 'call.hangup', callId: hungUp });
    await failed('hung up by the destination');

    const frank = await server.createAgent('frank@warm-fail.test', 'Frank');
    await expectOk(ada.tab, { type: 'call.transfer', callId, to: frank.address, mode: 'warm' });
    await failed('nobody to consult');
    await closeAll(tabs);
  });

  test('the agent’s tab goes away while consulting: the transfer completes', async () => {
    const { carol, ada, bob, tabs } = await people('warm-gone-consulting');
    const callId = await connectedCall(carol, ada);
    const carolMedia = await waitForMedia(carol.tab, callId);
    const consultationId = await consult(ada, callId, bob);
    await bob.tab.waitForCall(consultationId, 'ringing');
    await expectOk(bob.tab, { type: 'call.accept', callId: consultationId });
    await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.transfer?.status === 'consulting',
      'consulting',
    );

    await ada.tab.close();
    const taken = await bob.tab.waitForCall(callId, 'connected');
    assert.deepEqual(taken.transferredBy, ref(ada));
    await bob.tab.waitForCall(consultationId, 'disconnected', 'transferred');
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === false && call.answeredBy?.id === bob.user.id,
      'with Bob',
    );
    assert.equal((await waitForMedia(bob.tab, callId)).room, carolMedia.room);
    await closeAll(tabs);
  });

  test('the agent’s tab goes away while the consultation rings: the destination rings for the caller instead', async () => {
    const { carol, ada, bob, tabs } = await people('warm-gone-ringing');
    const callId = await connectedCall(carol, ada);
    const consultationId = await consult(ada, callId, bob);
    await bob.tab.waitForCall(consultationId, 'ringing');

    ada.tab.kill();
    await bob.tab.waitForCall(consultationId, 'disconnected', 'caller_cancelled', 10_000);
    const ringing = await bob.tab.waitForCall(callId, 'ringing');
    assert.deepEqual(ringing.transferredBy, ref(ada));
    assert.equal(carol.tab.outgoing.get(callId)?.held, true);
    await expectOk(bob.tab, { type: 'call.accept', callId });
    await waitForLatestOutgoing(
      carol.tab,
      callId,
      (call) => call.held === false && call.answeredBy?.id === bob.user.id,
      'with Bob',
    );
    await closeAll(tabs);
  });

  test('commands that do not fit the transfer’s state are refused and change nothing', async () => {
    const { carol, ada, bob, tabs } = await people('warm-bad');
    const dan = await onlineAgent(server, 'dan@warm-bad.test', 'Dan');
    const callId = await connectedCall(carol, ada);
    const consultationId = await consult(ada, callId, bob);
    await bob.tab.waitForCall(consultationId, 'ringing');

    await expectError(
      ada.tab,
      { type: 'call.transfer.complete', callId },
      'wrong-state',
      /has not answered the consultation yet/,
    );
    await expectError(
      ada.tab,
      { type: 'call.transfer', callId, to: dan.address, mode: 'blind' },
      'wrong-state',
      /already in progress/,
    );
    await expectError(
      ada.tab,
      { type: 'call.resume', callId },
      'wrong-state',
      /held for a transfer/,
    );
    await expectError(ada.tab, { type: 'call.hold', callId }, 'wrong-state', /already on hold/);
    await expectError(
      bob.tab,
      { type: 'call.transfer.complete', callId },
      'not-found',
      /not in this session's list/,
    );
    await expectOk(bob.tab, { type: 'call.accept', callId: consultationId });
    await expectError(
      bob.tab,
      { type: 'call.transfer', callId: consultationId, to: dan.address, mode: 'blind' },
      'wrong-state',
      /is a consultation/,
    );
    await expectError(
      carol.tab,
      { type: 'call.transfer.cancel', callId },
      'wrong-state',
      /only the agent connected/,
    );

    const view = await waitForIncoming(
      ada.tab,
      callId,
      (call) => call.transfer?.status === 'consulting',
      'still consulting',
    );
    assert.equal(view.held, true);
    assert.equal(dan.tab.calls.length, 0, 'nobody else was rung');
    await closeAll([...tabs, dan.tab]);
  });
});
