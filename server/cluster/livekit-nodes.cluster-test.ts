/**
 * Media at scale is LiveKit's job: two livekit-server nodes sharing one Redis (and one key
 * pair) under a call-control cluster. LiveKit puts each call's room on one of its nodes (its
 * node selector, at random); the parties connect through the URL call control gives them and
 * LiveKit relays them to the room's node. Calls are made until rooms have landed on both
 * nodes, and every one of them carries audio both ways (real WebRTC clients, LiveKit's Node
 * SDK). Each LiveKit node posts its webhooks to the call-control node that does not own the
 * tenant, so the caller's leave ends each call through a forwarded webhook.
 *
 * Then failover with media: `kill -9` of the owning call-control node while calls whose rooms
 * sit on both LiveKit nodes are connected. The media never passed through call control, so it
 * keeps flowing both ways; the calls stay connected on the new owner, the agents' tabs resume
 * there, and the new owner still follows the rooms: a caller's leave ends its call (the new
 * owner used to know nothing of the rooms of the calls it adopted and ignored the webhook).
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

/** An answered call with both parties in its room, each hearing the other. */
interface MediaCall {
  callId: string;
  room: string;
  node: string;
  agentTab: AgentClient;
  callerTab: AgentClient;
  agentIn: RtcParticipant;
  callerIn: RtcParticipant;
}

/** The caller dials the agent, who accepts; both join the room and hear each other. */
async function connectCall(
  agentTab: AgentClient,
  callerTab: AgentClient,
  agentAddress: string,
  nodeIds: (string | undefined)[],
): Promise<MediaCall> {
  const dialed = await callerTab.request({ type: 'call.dial', to: agentAddress });
  assert.equal(dialed.type, 'outgoing_call', JSON.stringify(dialed));
  const callId = dialed.call.id;
  await agentTab.waitForCall(callId, 'ringing');
  assert.equal((await agentTab.request({ type: 'call.accept', callId })).type, 'ok');
  const [agentMedia, callerMedia] = await Promise.all([
    waitForMedia(agentTab, callId),
    waitForMedia(callerTab, callId),
  ]);
  const [agentIn, callerIn] = await Promise.all(
    [agentMedia, callerMedia].map((frame) =>
      RtcParticipant.join(frame.url, frame.token, { audio: true }),
    ),
  );
  participants.push(agentIn, callerIn);
  await Promise.all([agentIn.waitForFrames({ audio: 20 }), callerIn.waitForFrames({ audio: 20 })]);
  const node = roomNode(agentMedia.room);
  assert.ok(
    node && nodeIds.includes(node),
    `the room's node (${node}) is one of ${nodeIds.join(', ')}`,
  );
  return { callId, room: agentMedia.room, node, agentTab, callerTab, agentIn, callerIn };
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
      const { callId, node, agentIn, callerIn } = await connectCall(
        adaTab,
        cyTab,
        ada.address,
        nodeIds,
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
  test('kill -9 of the owning call-control node: calls on both LiveKit nodes stay connected and media keeps flowing both ways', async (t) => {
    if (unavailable) return t.skip(unavailable);
    if (!cluster) return t.skip('Redis, redis-server or PostgreSQL not available');
    const tenant = await cluster.createTenant(`lk-failover-${Date.now()}`);
    const [n1, n2] = cluster.nodes as [TestCluster['nodes'][0], TestCluster['nodes'][0]];
    const nodeIds = livekits.map(nodeIdOf);
    const tabs: AgentClient[] = [];
    t.after(() => Promise.all(tabs.map((tab) => tab.close())));

    // One agent (tab on n1, which so owns the tenant) and one caller (tab on n2) per call, until
    // rooms sit on both LiveKit nodes.
    const calls: MediaCall[] = [];
    const agents: { userId: string; token: string }[] = [];
    while (calls.length < MAX_CALLS && new Set(calls.map((call) => call.node)).size < 2) {
      const index = calls.length;
      const agent = await tenant.createAgent(`agent${index}@lk-failover.test`, `Agent ${index}`);
      const caller = await tenant.createAgent(`caller${index}@lk-failover.test`, `Caller ${index}`);
      const agentTab = await AgentClient.connect(n1.sessionUrl(agent.token));
      tabs.push(agentTab);
      await agentTab.online();
      if (index === 0) assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');
      const callerTab = await AgentClient.connect(n2.sessionUrl(caller.token));
      tabs.push(callerTab);
      calls.push(await connectCall(agentTab, callerTab, agent.address, nodeIds));
      agents.push({ userId: agent.user.id, token: agent.token });
    }
    assert.equal(
      new Set(calls.map((call) => call.node)).size,
      2,
      `rooms on both LiveKit nodes: ${calls.map((call) => call.node).join(', ')}`,
    );

    // ---------------------------------------------------------------- kill -9 the owner
    const heardAtKill = calls.map((call) => [
      call.agentIn.received.audioFrames,
      call.callerIn.received.audioFrames,
    ]);
    const callerFramesAtKill = calls.map((call) => call.callerTab.frames.length);
    const killedAt = Date.now();
    await n1.kill();
    // The agents' tabs lost their node; the SDK reconnects with ?resume= (here to n2).
    const resumed = await Promise.all(
      calls.map(async (call, index) => {
        await call.agentTab.waitForClose();
        const again = await AgentClient.connect(
          n2.sessionUrl(agents[index].token, call.agentTab.hello.sessionId),
        );
        tabs.push(again);
        assert.equal(again.hello.resumed, true, `agent ${index} got its session back`);
        return again;
      }),
    );
    for (const [index, call] of calls.entries())
      await resumed[index].waitForCall(call.callId, 'connected', undefined, 5_000);
    t.diagnostic(`agents resumed on n2 ${Date.now() - killedAt} ms after kill -9`);
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n2', 'n2 owns the tenant');

    // Media went on both ways: a second of audio each way since the kill, and again a second
    // later than the leave grace and the resumed tabs' rejoin checks would have ended a call.
    for (const wait of [0, 2_000]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      const heard = calls.map((call) => [
        call.agentIn.received.audioFrames,
        call.callerIn.received.audioFrames,
      ]);
      await Promise.all(
        calls.flatMap((call, index) => [
          call.agentIn.waitForFrames({ audio: heard[index][0] + 100 }, 10_000),
          call.callerIn.waitForFrames({ audio: heard[index][1] + 100 }, 10_000),
        ]),
      );
    }
    for (const [index, call] of calls.entries()) {
      assert.ok(
        call.agentIn.received.audioFrames >= heardAtKill[index][0] + 200 &&
          call.callerIn.received.audioFrames >= heardAtKill[index][1] + 200,
        `call ${index}: audio both ways since the kill`,
      );
      assert.equal(resumed[index].call(call.callId)?.status, 'connected', `call ${index} agent`);
      assert.ok(
        !call.callerTab.frames
          .slice(callerFramesAtKill[index])
          .some(
            (frame) =>
              frame.type === 'incoming_calls' &&
              frame.calls.some(
                (listed) => listed.id === call.callId && listed.status === 'disconnected',
              ),
          ),
        `call ${index}: the caller never saw it end`,
      );
    }
    t.diagnostic(`media flowing both ways on ${calls.length} calls after the failover`);

    // The new owner follows the rooms it adopted: each caller's leave ends its call.
    for (const [index, call] of calls.entries()) {
      await call.callerIn.leave();
      const ended = await resumed[index].waitForCall(
        call.callId,
        'disconnected',
        undefined,
        15_000,
      );
      assert.equal(ended.endReason, 'hangup', `call ${index}`);
      await call.agentIn.leave();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // records written behind
    const rows = await cluster.database.query<{ id: string; end_reason: string }>(
      `SELECT id, end_reason FROM calls WHERE tenant_id = $1 ORDER BY created_at`,
      [tenant.id],
    );
    assert.deepEqual(
      rows.map((row) => [row.id, row.end_reason]),
      calls.map((call) => [call.callId, 'hangup']),
      'each call recorded once, ended by its caller',
    );
  });
});
