/**
 * A lost socket is not a closed tab. A network blip, a laptop lid or a busy machine must not
 * cost an agent (or a caller) the call in progress: the session stops ringing at once, keeps
 * its calls, and the tab that reconnects with `?resume=<sessionId>` gets them back. Only a tab
 * that stays away longer than SESSION_RESUME_SECONDS loses them (as `failed`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { AgentClient } from './testing/agent-client.ts';
import { onlineAgent, placeCall, waitForCallState, type Agent } from './testing/scenario.ts';

const RESUME_SECONDS = 5;

let server: TestServer;

before(async () => {
  server = await startTestServer({
    sessionResumeSeconds: RESUME_SECONDS,
    endedCallLingerMs: 200,
    ringTimeoutSeconds: 30,
  });
});
after(() => server.close());

const resumeUrl = (user: TestUser, sessionId: string) =>
  `${server.sessionUrl(user.token)}&resume=${encodeURIComponent(sessionId)}`;

/** Cuts the tab's TCP connection (no close frame) and waits until the server has noticed. */
async function loseConnection(agent: Agent): Promise<string> {
  const sessionId = agent.tab.hello.sessionId;
  agent.tab.kill();
  await agent.tab.waitForClose();
  await until(
    () => server.app.services.router.isResumable(sessionId, server.tenant.id, agent.user.id),
    'the session detached',
  );
  return sessionId;
}

async function until(condition: () => boolean, description: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Ada answers a call Carol dialed from her tab. */
async function connectedCall(
  prefix: string,
): Promise<{ ada: Agent; carol: Agent; callId: string }> {
  const ada = await onlineAgent(server, `${prefix}-ada@resume.test`, 'Ada');
  const carol = await onlineAgent(server, `${prefix}-carol@resume.test`, 'Carol', {
    online: false,
  });
  const reply = await carol.tab.request({
    type: 'call.dial',
    to: ada.address,
  });
  assert.equal(reply.type, 'outgoing_call', JSON.stringify(reply));
  const callId = (reply as { call: { id: string } }).call.id;
  await ada.tab.waitForCall(callId, 'ringing');
  await ada.tab.request({ type: 'call.accept', callId });
  await carol.tab.waitForOutgoing(callId, (call) => call.status === 'connected', 'connected');
  return { ada, carol, callId };
}

describe('resuming a lost session', () => {
  test('an agent whose socket drops mid-call comes back to the same call, and can hang it up', async () => {
    const { ada, carol, callId } = await connectedCall('agent-drop');
    const sessionId = await loseConnection(ada);
    assert.equal(
      server.app.services.router.presenceOf(server.tenant.id, ada.user.id),
      'offline',
      'a lost tab rings for nothing while it is away',
    );

    const back = await AgentClient.connect(resumeUrl(ada, sessionId));
    assert.equal(back.hello.sessionId, sessionId);
    assert.equal(back.hello.resumed, true);
    assert.equal(back.hello.online, true, 'it was online before, so it is again');
    const view = await back.waitForCall(callId, 'connected');
    assert.equal(view.answeredBy?.id, ada.user.id);
    assert.ok(
      [...carol.tab.outgoing.values()].every((call) => call.status === 'connected'),
      'the caller never saw the call end',
    );
    assert.ok(
      !carol.tab.frames.some(
        (frame) =>
          frame.type === 'outgoing_call' &&
          frame.call.status !== 'connected' &&
          frame.call.answeredAt,
      ),
    );

    await back.request({ type: 'call.hangup', callId });
    const ended = await carol.tab.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected',
      'ended',
    );
    assert.equal(ended.endReason, 'hangup');
    await Promise.all([back.close(), carol.tab.close()]);
  });

  test('a caller whose socket dropped learns on its return how the call ended meanwhile', async () => {
    const { ada, carol, callId } = await connectedCall('caller-drop');
    const sessionId = await loseConnection(carol);
    await ada.tab.request({ type: 'call.hangup', callId });
    // Longer than the linger: the ended call is kept for the lost tab all the same.
    await new Promise((resolve) => setTimeout(resolve, 600));

    const back = await AgentClient.connect(resumeUrl(carol, sessionId));
    assert.equal(back.hello.resumed, true);
    const ended = await back.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected',
      'ended',
    );
    assert.equal(ended.endReason, 'hangup');
    await Promise.all([back.close(), ada.tab.close()]);
  });

  test('while a tab is away its agent is not rung; back online, it rings again', async () => {
    const ada = await onlineAgent(server, 'away-ada@resume.test', 'Ada');
    const bob = await onlineAgent(server, 'away-bob@resume.test', 'Bob');
    await server.tenant.createRingGroup('resume-away', [ada.user.id, bob.user.id], {
      ringTimeoutSeconds: 30,
    });
    const sessionId = await loseConnection(ada);
    const call = await placeCall(server, '/group/resume-away');
    await bob.tab.waitForCall(call.id, 'ringing');
    const during = await waitForCallState(
      server,
      call.id,
      (state) => state.legs.length > 0,
      'rung',
    );
    assert.deepEqual(
      during.legs.map((leg) => leg.userId),
      [bob.user.id],
      'only the connected member rings',
    );

    const back = await AgentClient.connect(resumeUrl(ada, sessionId));
    await back.waitForCall(call.id, 'ringing');
    await Promise.all([back.close(), bob.tab.close()]);
  });

  test('a newer socket of the same tab takes the session over from one not yet noticed dead', async () => {
    const { ada, carol, callId } = await connectedCall('takeover');
    const sessionId = ada.tab.hello.sessionId;
    const second = await AgentClient.connect(resumeUrl(ada, sessionId));
    assert.equal(second.hello.sessionId, sessionId);
    assert.equal(second.hello.resumed, true);
    await ada.tab.waitForClose();
    await second.waitForCall(callId, 'connected');
    assert.equal(carol.tab.outgoing.get(callId)?.status, 'connected');
    await Promise.all([second.close(), carol.tab.close()]);
  });

  test('a tab that resumes while its old socket is still open gets every push the old one would have', async () => {
    const ada = await onlineAgent(server, 'open-ada@resume.test', 'Ada');
    const sessionId = ada.tab.hello.sessionId;
    const second = await AgentClient.connect(resumeUrl(ada, sessionId));
    assert.equal(second.hello.resumed, true);
    assert.equal(second.hello.online, true);
    await ada.tab.waitForClose();
    // Rung after the takeover: the list arrives, and so does every change to it.
    const call = await placeCall(server, ada.address);
    await second.waitForCall(call.id, 'ringing');
    await second.request({ type: 'call.accept', callId: call.id });
    await second.waitForCall(call.id, 'connected');
    server.app.services.router.hangupCall(server.tenant.id, call.id);
    await second.waitForCall(call.id, 'disconnected');
    await second.close();
  });

  test('someone else cannot resume a session: they get a fresh one and the lost tab keeps its call', async () => {
    const { ada, carol, callId } = await connectedCall('not-yours');
    const sessionId = await loseConnection(ada);
    const mallory = await server.tenant.createAgent('mallory@resume.test', 'Mallory');
    const intruder = await AgentClient.connect(resumeUrl(mallory, sessionId));
    assert.notEqual(intruder.hello.sessionId, sessionId);
    assert.equal(intruder.hello.resumed, false);
    assert.deepEqual(intruder.calls, []);
    // Malformed resume ids are ignored the same way.
    const odd = await AgentClient.connect(
      `${server.sessionUrl(mallory.token)}&resume=${'x'.repeat(500)}`,
    );
    assert.equal(odd.hello.resumed, false);

    const back = await AgentClient.connect(resumeUrl(ada, sessionId));
    await back.waitForCall(callId, 'connected');
    await Promise.all([intruder.close(), odd.close(), back.close(), carol.tab.close()]);
  });

  test('a tab away longer than the grace loses the call as failed; coming back later starts afresh', async () => {
    const { ada, carol, callId } = await connectedCall('too-late');
    const sessionId = await loseConnection(ada);
    const ended = await carol.tab.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected',
      'ended',
      (RESUME_SECONDS + 5) * 1000,
    );
    assert.equal(ended.endReason, 'failed');
    const late = await AgentClient.connect(resumeUrl(ada, sessionId));
    assert.equal(late.hello.resumed, false);
    assert.notEqual(late.hello.sessionId, sessionId);
    await Promise.all([late.close(), carol.tab.close()]);
  });
});
