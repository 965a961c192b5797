/**
 * Server-side calls with a media script, end to end with real parts: call control with its
 * embedded media server, an agent's session WebSocket, ffmpeg, and the real livekit-client in
 * headless Chromium joining with the agent's own `call_media` credentials.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import {
  BrowserHarness,
  waitFor,
  type LivekitPage,
} from '../media-server/test-support/browser-harness.ts';
import { requestJson, startTestServer, type TestServer } from '../test/harness.ts';
import { getCall, onlineAgent, waitForCallState, type Agent } from '../session/testing/scenario.ts';
import type { CallDetail } from '../calls/call-schemas.ts';
import { releaseRtcNode } from '../media/testing/rtc-participant.ts';
import { findFfmpeg } from './ffmpeg-binary.ts';
import { ffmpegChildren } from './testing/processes.ts';
import { makeSampleMedia } from './testing/sample-media.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

const udpSockets = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'UDPWrap').length;

describe('scripted server-side calls', { timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: BrowserHarness;
  let mediaDir: string;
  let ada: Agent;
  let page: LivekitPage | undefined;

  before(async () => {
    const ffmpeg = findFfmpeg();
    assert.ok(ffmpeg.path, 'ffmpeg is installed');
    mediaDir = await mkdtemp(join(tmpdir(), 'switchboard-media-'));
    await makeSampleMedia(ffmpeg.path, mediaDir, 'sample.webm', 3);
    await writeFile(join(mediaDir, 'broken.webm'), 'this is not a WebM file');
    [server, browser] = await Promise.all([
      startTestServer({
        ringTimeoutSeconds: 30,
        endedCallLingerMs: 5_000,
        scriptMediaDir: mediaDir,
      }),
      BrowserHarness.start(),
    ]);
    ada = await onlineAgent(server, 'ada@script.test', 'Ada Lovelace');
  });

  after(async () => {
    await page?.close();
    await ada?.tab.close();
    await browser?.close();
    await server?.close();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
    // The script participants' native client would keep this process running.
    await releaseRtcNode();
  });

  async function placeScriptedCall(script: unknown[]): Promise<CallDetail> {
    const response = await requestJson<CallDetail>(server.url, 'POST', '/api/calls', {
      token: server.apiKey,
      body: { from: 'Test Pattern', to: ada.address, script },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  /** Ada accepts; her media credentials are used by a fresh Chromium page, as her console would. */
  async function acceptAndJoin(callId: string, { mustConnect = true } = {}): Promise<LivekitPage> {
    await ada.tab.waitForCall(callId, 'ringing');
    await ada.tab.request({ type: 'call.accept', callId });
    const media = await ada.tab.waitUntil(
      () =>
        ada.tab.frames.find(
          (frame): frame is CallMediaFrame =>
            frame.type === 'call_media' && frame.callId === callId,
        ),
      `call_media for ${callId}`,
    );
    await page?.close();
    page = await browser.openPage();
    const connected = await page.call('connect', media.url, media.token, false);
    if (mustConnect) assert.deepEqual(connected, {});
    return page;
  }

  async function decodesVideo(agentPage: LivekitPage, identity: string): Promise<void> {
    const frames = async () => {
      const stats = await agentPage.call('inbound', identity, 'video');
      return stats.videoWidth > 0 ? stats.framesDecoded : 0;
    };
    const first = await waitFor(`${identity}'s video decoding`, frames);
    await waitFor(`${identity}'s framesDecoded rising`, async () => (await frames()) > first + 10);
  }

  async function receivesAudio(agentPage: LivekitPage, identity: string): Promise<void> {
    const bytes = async () => (await agentPage.call('inbound', identity, 'audio')).bytesReceived;
    const first = await waitFor(`${identity}'s audio arriving`, bytes);
    await waitFor(`${identity}'s audio bytes rising`, async () => (await bytes()) > first + 2_000);
  }

  async function nothingLeftRunning(baselineUdp: number): Promise<void> {
    await waitFor('no script running', () => server.app.services.scripts.running === 0, 5_000);
    await waitFor('no ffmpeg left', () => ffmpegChildren().length === 0, 5_000);
    await waitFor(
      `UDP sockets back to ${baselineUdp}`,
      () => udpSockets() === baselineUdp,
      5_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; now ${udpSockets()}`);
    });
  }

  test('the agent sees and hears the script, and its hangup ends the call', async () => {
    const baselineUdp = udpSockets();
    const call = await placeScriptedCall([
      { play: 'test-pattern', seconds: 6 },
      { pause: 0.5 },
      { play: 'sample.webm' },
      { hangup: true },
    ]);
    const identity = `script:${call.id}`;
    const agentPage = await acceptAndJoin(call.id);
    await Promise.all([decodesVideo(agentPage, identity), receivesAudio(agentPage, identity)]);
    assert.equal(ffmpegChildren().length, 1, 'one encoder while playing');
    assert.equal(server.app.services.scripts.running, 1);

    const ended = await waitForCallState(
      server,
      call.id,
      (detail) => detail.status === 'ended',
      'to end when the script hangs up',
      20_000,
    );
    assert.equal(ended.endReason, 'hangup');
    assert.ok(ended.talkMs! >= 6_000, `the script played before hanging up (${ended.talkMs} ms)`);
    await ada.tab.waitUntil(
      () => ada.tab.calls.find((view) => view.id === call.id && view.status === 'disconnected'),
      'the agent to see the call end',
    );
    await waitFor('the agent to see the script participant leave', async () =>
      (await agentPage.call('state')).events.includes(`participantDisconnected:${identity}`),
    );
    await nothingLeftRunning(baselineUdp);
  });

  test('when the agent hangs up first, the script stops at once and leaves', async () => {
    // Let the first call's linger pass so Ada is available again.
    await waitFor('Ada available', () => ada.tab.presence === 'available', 10_000);
    const baselineUdp = udpSockets();
    const call = await placeScriptedCall([{ play: 'test-pattern', seconds: 120 }]);
    const identity = `script:${call.id}`;
    const agentPage = await acceptAndJoin(call.id);
    await decodesVideo(agentPage, identity);
    const [encoder] = ffmpegChildren();
    assert.ok(encoder, 'the encoder runs');

    const hungUpAt = Date.now();
    await ada.tab.request({ type: 'call.hangup', callId: call.id });
    await nothingLeftRunning(baselineUdp);
    assert.ok(Date.now() - hungUpAt < 5_000, 'stopped promptly');
    const ended = await getCall(server, call.id);
    assert.equal(ended.endReason, 'hangup');
  });

  test('a file that cannot be played ends the call as failed, leaving nothing behind', async () => {
    await waitFor('Ada available', () => ada.tab.presence === 'available', 10_000);
    const baselineUdp = udpSockets();
    const call = await placeScriptedCall([{ play: 'broken.webm' }, { hangup: true }]);
    // The script fails as soon as the agent is there: the room may go while it connects.
    await acceptAndJoin(call.id, { mustConnect: false });
    const ended = await waitForCallState(
      server,
      call.id,
      (detail) => detail.status === 'ended',
      'to end as failed',
      20_000,
    );
    assert.equal(ended.endReason, 'failed');
    await nothingLeftRunning(baselineUdp);
  });
});
