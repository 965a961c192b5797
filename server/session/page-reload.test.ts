/**
 * A reload is not a hang-up. A browser closes a page's socket with 1001 whether the page is
 * reloading or its tab was closed, and cannot say which; so the session of such a page keeps its
 * calls for SESSION_RELOAD_GRACE_SECONDS. The reloaded page resumes it (`?resume=`), gets fresh
 * media credentials, and the other party never sees the call end — even though the page's media
 * also left the room meanwhile, for longer than MEDIA_LEAVE_GRACE_MS. A page that does not come
 * back has its calls hung up at the end of the grace; a deliberate sign-out (1000) at once.
 * Real server on a real port, real sockets, the real embedded media server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { RawSignalClient } from '../media-server/test-support/raw-signal-client.ts';
import { AgentClient } from './testing/agent-client.ts';
import { closeAll, onlineAgent, type Agent } from './testing/scenario.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

const RELOAD_GRACE_SECONDS = 3;
const LEAVE_GRACE_MS = 500;
/** A browser's close code for a page going away (reloaded or closed). */
const GOING_AWAY = 1001;

let server: TestServer;

before(async () => {
  server = await startTestServer({
    sessionReloadGraceSeconds: RELOAD_GRACE_SECONDS,
    mediaLeaveGraceMs: LEAVE_GRACE_MS,
    ringTimeoutSeconds: 30,
    endedCallLingerMs: 200,
  });
});
after(() => server.close());

const resumeUrl = (user: TestUser, sessionId: string) =>
  `${server.sessionUrl(user.token)}&resume=${encodeURIComponent(sessionId)}`;

const mediaFrames = (tab: AgentClient, callId: string) =>
  tab.frames.filter(
    (frame): frame is CallMediaFrame => frame.type === 'call_media' && frame.callId === callId,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Carol's tab dials Ada, who answers; Ada's media joins the room. */
async function connectedCall(prefix: string) {
  const ada = await onlineAgent(server, `${prefix}-ada@reload.test`, 'Ada');
  const carol = await onlineAgent(server, `${prefix}-carol@reload.test`, 'Carol', {
    online: false,
  });
  const reply = await carol.tab.request({ type: 'call.dial', to: ada.address });
  assert.equal(reply.type, 'outgoing_call', JSON.stringify(reply));
  const callId = reply.call.id;
  await ada.tab.waitForCall(callId, 'ringing');
  await ada.tab.request({ type: 'call.accept', callId });
  await carol.tab.waitForOutgoing(callId, (call) => call.status === 'connected', 'connected');
  const credentials = await ada.tab.waitUntil(
    () => mediaFrames(ada.tab, callId)[0],
    'call_media for the answering tab',
  );
  const media = await RawSignalClient.connect(credentials.url, credentials.token);
  await media.next('join');
  return { ada, carol, callId, credentials, media };
}

/** The page goes away: its socket closes with 1001, its media connection drops. */
async function pageGoesAway(agent: Agent, media: RawSignalClient): Promise<string> {
  const sessionId = agent.tab.hello.sessionId;
  agent.tab.socket.close(GOING_AWAY);
  media.close();
  await agent.tab.waitForClose();
  return sessionId;
}

function assertNeverEnded(carol: Agent, callId: string): void {
  const ended = carol.tab.frames.filter(
    (frame) =>
      frame.type === 'outgoing_call' &&
      frame.call.id === callId &&
      frame.call.status === 'disconnected',
  );
  assert.deepEqual(ended, [], 'the caller never saw the call end');
}

describe('a page reload during a call', () => {
  test('the reloaded page resumes the session: the call stays connected on both sides and the page gets fresh media credentials', async () => {
    const { ada, carol, callId, credentials, media: firstMedia } = await connectedCall('resumes');
    const sessionId = await pageGoesAway(ada, firstMedia);
    // Longer than the media leave grace: the page's media is gone, but its tab is coming back.
    await sleep(LEAVE_GRACE_MS * 3);
    assertNeverEnded(carol, callId);
    assert.equal(carol.tab.outgoing.get(callId)?.status, 'connected');

    const back = await AgentClient.connect(resumeUrl(ada, sessionId));
    assert.equal(back.hello.resumed, true);
    assert.equal(back.hello.sessionId, sessionId);
    assert.equal(back.hello.online, true);
    const view = await back.waitForCall(callId, 'connected');
    assert.equal(view.answeredBy?.id, ada.user.id);
    const fresh = await back.waitUntil(
      () => mediaFrames(back, callId)[0],
      'fresh call_media for the resumed page',
    );
    assert.equal(fresh.room, credentials.room);
    assert.equal(fresh.identity, credentials.identity, 'the same party in the same room');
    assert.notEqual(fresh.token, credentials.token, 'a new token, not the old one again');

    // It rejoins with them and stays past the leave grace: the call goes on.
    const media = await RawSignalClient.connect(fresh.url, fresh.token);
    const joined = await media.next('join');
    assert.equal(joined.participant?.identity, credentials.identity);
    await sleep(LEAVE_GRACE_MS * 3);
    assertNeverEnded(carol, callId);

    // An explicit hang-up from the resumed page still ends the call at once.
    await back.request({ type: 'call.hangup', callId });
    const ended = await carol.tab.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected',
      'ended',
      1_000,
    );
    assert.equal(ended.endReason, 'hangup');
    media.close();
    await closeAll([back, carol.tab]);
  });

  test('a page that does not come back within the grace (a closed tab) has its call hung up then, not before', async () => {
    const { ada, carol, callId, media } = await connectedCall('expires');
    const wentAt = Date.now();
    await pageGoesAway(ada, media);

    const ended = await carol.tab.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected',
      'ended after the grace',
      RELOAD_GRACE_SECONDS * 1000 + 3_000,
    );
    const elapsed = Date.now() - wentAt;
    assert.equal(ended.endReason, 'hangup', 'a page that went away hung up; nothing failed');
    assert.ok(elapsed >= RELOAD_GRACE_SECONDS * 1000 - 100, `not before the grace (${elapsed} ms)`);
    // Too late now: the session is gone, and a page that tries gets a fresh one.
    const late = await AgentClient.connect(resumeUrl(ada, ada.tab.hello.sessionId));
    assert.equal(late.hello.resumed, false);
    await closeAll([late, carol.tab]);
  });

  test('a deliberate close (1000: the console signs out) still ends the call at once', async () => {
    const { ada, carol, callId, media } = await connectedCall('signout');
    const closedAt = Date.now();
    await ada.tab.close();
    const ended = await carol.tab.waitForOutgoing(
      callId,
      (call) => call.status === 'disconnected',
      'ended',
      RELOAD_GRACE_SECONDS * 1000,
    );
    assert.equal(ended.endReason, 'hangup');
    assert.ok(Date.now() - closedAt < 1_000, 'at once, without any grace');
    media.close();
    await closeAll([carol.tab]);
  });
});

describe('a page reload while online, without a call', () => {
  test('the reloaded page is online and rung again at once', async () => {
    const ada = await onlineAgent(server, 'idle-ada@reload.test', 'Ada');
    const carol = await onlineAgent(server, 'idle-carol@reload.test', 'Carol', { online: false });
    const sessionId = ada.tab.hello.sessionId;
    ada.tab.socket.close(GOING_AWAY);
    await ada.tab.waitForClose();

    const back = await AgentClient.connect(resumeUrl(ada, sessionId));
    assert.equal(back.hello.resumed, true);
    assert.equal(back.hello.online, true);
    assert.equal(back.hello.presence, 'available');
    const reply = await carol.tab.request({ type: 'call.dial', to: ada.address });
    assert.equal(reply.type, 'outgoing_call', JSON.stringify(reply));
    await back.waitForCall(reply.call.id, 'ringing');
    await closeAll([back, carol.tab]);
  });
});
