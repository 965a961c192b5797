/**
 * Which LiveKit call control uses: the configuration rules, a LiveKit given by LIVEKIT_URL
 * (here a second media server, standing in for LiveKit Cloud or livekit-server),
 * and what happens when that LiveKit cannot be reached.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import { loadConfig } from '../config.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { closeAll, onlineAgent } from '../session/testing/scenario.ts';
import type { AgentClient } from '../session/testing/agent-client.ts';
import { startMediaServer, type MediaServer } from '../media-server/index.ts';
import { RawSignalClient } from '../media-server/test-support/raw-signal-client.ts';
import { measureForwardingCpu } from '../media-server/cpu-meter.ts';
import { ownWebhookUrl } from './webhook-routes.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

const mediaFrames = (tab: AgentClient) =>
  tab.frames.filter((frame): frame is CallMediaFrame => frame.type === 'call_media');

describe('media configuration', () => {
  test('LIVEKIT_URL needs its key pair, a key pair needs LIVEKIT_URL, and URLs must be ws(s) or http(s)', () => {
    const keys = { LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'secret' };
    assert.throws(
      () => loadConfig({ LIVEKIT_URL: 'wss://x.livekit.cloud' }),
      /LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required/,
    );
    assert.throws(
      () => loadConfig({ LIVEKIT_URL: 'wss://x.livekit.cloud', LIVEKIT_API_KEY: 'key' }),
      /required/,
    );
    assert.throws(() => loadConfig(keys), /without LIVEKIT_URL/);
    assert.throws(
      () => loadConfig({ LIVEKIT_URL: 'x.livekit.cloud', ...keys }),
      /LIVEKIT_URL must be/,
    );
    assert.throws(
      () => loadConfig({ LIVEKIT_PUBLIC_URL: 'media.example.com' }),
      /LIVEKIT_PUBLIC_URL must be/,
    );
    assert.throws(() => loadConfig({ MEDIA_PORT: 'x' }), /MEDIA_PORT must be an integer/);

    const cloud = loadConfig({ LIVEKIT_URL: 'wss://x.livekit.cloud', ...keys });
    assert.deepEqual(
      [cloud.livekitUrl, cloud.livekitApiKey, cloud.livekitApiSecret],
      ['wss://x.livekit.cloud', 'key', 'secret'],
    );
    const embedded = loadConfig({});
    assert.equal(embedded.livekitUrl, undefined);
    assert.equal(embedded.mediaPort, 7880);
    assert.equal(
      loadConfig({ MEDIA_PORT: '0', LIVEKIT_PUBLIC_URL: 'wss://media.example.com' })
        .livekitPublicUrl,
      'wss://media.example.com',
    );
  });
});

const LEAVE_GRACE_MS = 1_000;
const apiKey = 'external-key';
const apiSecret = 'external-secret-long-enough-for-hs256-signing';
/** Stands in for LiveKit Cloud or a self-hosted livekit-server. */
let livekit: MediaServer;
/** Configured with LIVEKIT_URL = livekit. */
let server: TestServer;
/** Configured with a LIVEKIT_URL where nothing listens. */
let unreachable: TestServer;

before(async () => {
  // Its webhooks are configured to reach call control, as a LiveKit project's would be.
  livekit = await startMediaServer({
    apiKey,
    apiSecret,
    webhookUrl: () => (server ? ownWebhookUrl(server.app.server) : undefined),
  });
  [server, unreachable] = await Promise.all([
    startTestServer({
      livekitUrl: livekit.url,
      livekitApiKey: apiKey,
      livekitApiSecret: apiSecret,
      livekitPublicUrl: 'wss://media.example.test',
      ringTimeoutSeconds: 30,
      mediaLeaveGraceMs: LEAVE_GRACE_MS,
    }),
    startTestServer({
      livekitUrl: 'ws://127.0.0.1:1',
      livekitApiKey: 'k',
      livekitApiSecret: 's',
      ringTimeoutSeconds: 30,
    }),
  ]);
});
after(async () => {
  await Promise.all([server.close(), unreachable.close()]);
  await livekit.close();
});

async function answeredCall(on: TestServer, name: string) {
  const agent = await onlineAgent(on, `agent@${name}.test`);
  const caller = await onlineAgent(on, `caller@${name}.test`, undefined, { online: false });
  const dialed = await caller.tab.request({ type: 'call.dial', to: agent.address });
  const callId = (dialed as Extract<ServerMessage, { type: 'outgoing_call' }>).call.id;
  await agent.tab.waitForCall(callId, 'ringing');
  await agent.tab.request({ type: 'call.accept', callId });
  return { agent, caller, callId };
}

describe('call control without LIVEKIT_URL', () => {
  test('starts the embedded media server, its stats and CPU meter reachable', async () => {
    const embeddedServer = await startTestServer(
      { livekitUrl: undefined },
      { mediaBackend: 'embedded' },
    );
    try {
      const { embedded, backend } = embeddedServer.app.services.media;
      assert.ok(embedded, 'started because LIVEKIT_URL is unset');
      assert.equal(backend.serverUrl, embedded.url);
      const sample = await measureForwardingCpu(embedded, 20);
      assert.equal(typeof sample.forwardedStreams, 'number');
      assert.equal(typeof embedded.stats().rooms, 'number');
    } finally {
      await embeddedServer.close();
    }
  });
});

describe('call control with LIVEKIT_URL', { concurrency: true }, () => {
  test('uses that LiveKit for rooms, tokens and webhooks, and starts no embedded server', async () => {
    assert.equal(server.app.services.media.embedded, undefined);
    const { agent, caller, callId } = await answeredCall(server, 'external');
    const frame = await caller.tab.waitUntil(() => mediaFrames(caller.tab)[0], 'call_media');
    assert.equal(frame.url, 'wss://media.example.test', 'browsers get LIVEKIT_PUBLIC_URL');
    const rooms = new RoomServiceClient(livekit.url, apiKey, apiSecret);
    assert.deepEqual(
      (await rooms.listRooms()).map((room) => room.name),
      [frame.room],
    );

    // The caller joins that LiveKit with its token and drops; its signed webhook ends the call.
    const media = await RawSignalClient.connect(livekit.url, frame.token);
    await media.next('join');
    media.close();
    const ended = await agent.tab.waitForCall(
      callId,
      'disconnected',
      undefined,
      LEAVE_GRACE_MS + 3_000,
    );
    assert.equal(ended.endReason, 'hangup');
    const deadline = Date.now() + 5_000;
    while ((await rooms.listRooms()).length > 0) {
      assert.ok(Date.now() < deadline, 'the room is closed');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await closeAll([agent.tab, caller.tab]);
  });

  test('ends an answered call as failed when LiveKit cannot be reached, and nobody gets credentials', async () => {
    const { agent, caller, callId } = await answeredCall(unreachable, 'unreachable');
    await agent.tab.waitForCall(callId, 'connected');
    const ended = await agent.tab.waitForCall(callId, 'disconnected');
    assert.equal(ended.endReason, 'failed');
    await caller.tab.waitForOutgoing(callId, (call) => call.endReason === 'failed', 'failed');
    assert.deepEqual([...mediaFrames(agent.tab), ...mediaFrames(caller.tab)], []);
    await closeAll([agent.tab, caller.tab]);
  });
});
