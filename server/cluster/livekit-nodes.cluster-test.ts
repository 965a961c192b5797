/**
 * Media at scale is LiveKit's job: two livekit-server nodes sharing one Redis (and one key
 * pair) under a call-control cluster. LiveKit puts each call's room on one of its nodes (its
 * node selector, at random); the parties connect through the URL call control gives them and
 * LiveKit relays them to the room's node. Calls are made until rooms have landed on both
 * nodes, and every one of them carries audio both ways (real WebRTC clients, LiveKit's Node
 * SDK). Each LiveKit node posts its webhooks to the call-control node that does not own the
 * tenant, so the caller's leave ends each call through a forwarded webhook.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ServerMessage } from '../../protocol/session-protocol.ts';
import {
  livekitServerUnavailable,
  startLivekitServer,
  type LivekitServer,
} from '../../tools/livekit/livekit-server.ts';
import { WEBHOOK_PATH } from '../media/webhook-routes.ts';
import { releaseRtcNode, RtcParticipant } from '../media/testing/rtc-participant.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import {
  freePort,
  startCluster,
  startPrivateRedis,
  type PrivateRedis,
  type TestCluster,
} from './testing/cluster-harness.ts';

type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;
/** Calls made at most while waiting for LiveKit to use both nodes (each is a coin toss). */
const MAX_CALLS = 10;

const unavailable = livekitServerUnavailable();
let livekitRedis: (PrivateRedis & { url: string }) | null = null;
const livekits: LivekitServer[] = [];
let cluster: TestCluster | null = null;
const participants: RtcParticipant[] = [];

before(async () => {
  if (unavailable) return;
  livekitRedis = await startPrivateRedis();
  if (!livekitRedis) return;
  const ports = [await freePort(), await freePort()];
  // Webhooks go to n2; the tenant is owned by n1 (its tabs reach n1 first).
  const webhookUrls = [`http://127.0.0.1:${ports[1]}${WEBHOOK_PATH}`];
  const keys = {
    apiKey: `API${randomBytes(6).toString('hex')}`,
    apiSecret: randomBytes(32).toString('base64url'),
  };
  const redisAddress = livekitRedis.url.replace('redis://', '');
  for (let index = 0; index < 2; index++)
    livekits.push(await startLivekitServer({ redisAddress, keys, webhookUrls }));
  cluster = await startCluster({
    nodes: 2,
    ports,
    env: {
      LIVEKIT_URL: livekits[0].url,
      LIVEKIT_API_KEY: keys.apiKey,
      LIVEKIT_API_SECRET: keys.apiSecret,
      MEDIA_LEAVE_GRACE_MS: '500',
      MEDIA_RECONCILE_SECONDS: '3600',
    },
  });
});
after(async () => {
  await Promise.allSettled(participants.map((participant) => participant.leave()));
  await cluster?.close();
  await Promise.all(livekits.map((livekit) => livekit.stop()));
  await livekitRedis?.stop();
  await releaseRtcNode();
});

/** The LiveKit node ids (ND_…) in a server's log: its own first, then those it chose for rooms. */
function nodeIdOf(livekit: LivekitServer): string | undefined {
  return /"?nodeID"?[:=]\s*"?(ND_[A-Za-z0-9]+)/.exec(livekit.recentLog())?.[1];
}

/** Which LiveKit node the room was put on, from the "selected node for room" log line. */
function roomNode(room: string): string | undefined {
  for (const livekit of livekits) {
    const line = livekit
      .recentLog()
      .split('\n')
      .find((entry) => entry.includes('selected node for room') && entry.includes(room));
    const id = line && /(ND_[A-Za-z0-9]+)/.exec(line)?.[1];
    if (id) return id;
  }
  return undefined;
}

function waitForMedia(tab: AgentClient, callId: string): Promise<CallMediaFrame> {
  return tab.waitUntil(
    () =>
      tab.frames.find(
        (frame): frame is CallMediaFrame => frame.type === 'call_media' && frame.callId === callId,
      ),
    `call_media for ${callId}`,
  );
}

describe('two LiveKit nodes under a call-control cluster', { timeout: 300_000 }, () => {
  test('calls whose rooms land on either LiveKit node carry audio both ways', async (t) => {
    if (unavailable) return t.skip(unavailable);
    if (!cluster) return t.skip('Redis, redis-server or PostgreSQL not available');
    const { tenant, nodes } = cluster;
    const [n1, n2] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const nodeIds = livekits.map(nodeIdOf);
    assert.ok(
      nodeIds[0] && nodeIds[1] && nodeIds[0] !== nodeIds[1],
      `two nodes: ${nodeIds.join(', ')}`,
    );

    const ada = await tenant.createAgent('ada@lk-nodes.test', 'Ada');
    const cy = await tenant.createAgent('cy@lk-nodes.test', 'Cy');
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    await adaTab.online();
    const cyTab = await AgentClient.connect(n2.sessionUrl(cy.token)); // the caller
    t.after(() => Promise.all([adaTab.close(), cyTab.close()]));
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');

    const landedOn = new Map<string, number>();
    for (let made = 0; made < MAX_CALLS && landedOn.size < 2; made++) {
      const dialed = await cyTab.request({ type: 'call.dial', to: ada.address });
      assert.equal(dialed.type, 'outgoing_call', JSON.stringify(dialed));
      const callId = dialed.call.id;
      await adaTab.waitForCall(callId, 'ringing');
      assert.equal((await adaTab.request({ type: 'call.accept', callId })).type, 'ok');
      const [agentMedia, callerMedia] = await Promise.all([
        waitForMedia(adaTab, callId),
        waitForMedia(cyTab, callId),
      ]);
      const [agentIn, callerIn] = await Promise.all(
        [agentMedia, callerMedia].map((frame) =>
          RtcParticipant.join(frame.url, frame.token, { audio: true }),
        ),
      );
      participants.push(agentIn, callerIn);
      await Promise.all([
        agentIn.waitForFrames({ audio: 20 }),
        callerIn.waitForFrames({ audio: 20 }),
      ]);
      const node = roomNode(agentMedia.room);
      assert.ok(
        node && nodeIds.includes(node),
        `the room's node (${node}) is one of ${nodeIds.join(', ')}`,
      );
      landedOn.set(node, (landedOn.get(node) ?? 0) + 1);
      t.diagnostic(
        `call ${made + 1}: room on LiveKit node ${nodeIds.indexOf(node) + 1}, audio both ways`,
      );

      // The caller leaves: the room's node posts participant_left to n2, which hands it to n1.
      await callerIn.leave();
      const ended = await adaTab.waitForCall(callId, 'disconnected', undefined, 15_000);
      assert.equal(ended.endReason, 'hangup');
      await agentIn.leave();
    }
    assert.equal(landedOn.size, 2, `rooms on both LiveKit nodes: ${JSON.stringify([...landedOn])}`);
  });
});
