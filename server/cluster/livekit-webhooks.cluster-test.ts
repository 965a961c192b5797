/**
 * LiveKit webhooks reaching a node that does not own the call's tenant: LiveKit posts to
 * whichever call-control URL its config names, so that node checks the signature and passes
 * the webhook on to the owner, which applies it (here: the answering agent's media left for
 * good, so the call ends). A forged webhook is refused where it lands. The nodes share a real
 * livekit-server (one key pair), as a cluster must.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  livekitServerUnavailable,
  startLivekitServer,
  type LivekitServer,
} from '../../tools/livekit/livekit-server.ts';
import { callRoomName, partyIdentity } from '../media/livekit-tokens.ts';
import { postWebhook, signWebhook } from '../media/testing/livekit-webhooks.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { requestJson } from '../test/harness.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

const unavailable = livekitServerUnavailable();
let livekit: LivekitServer | undefined;
let cluster: TestCluster | null = null;
before(async () => {
  if (unavailable) return;
  livekit = await startLivekitServer();
  cluster = await startCluster({
    nodes: 2,
    env: {
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      MEDIA_RECONCILE_SECONDS: '3600',
      MEDIA_LEAVE_GRACE_MS: '500',
    },
  });
});
after(async () => {
  await cluster?.close();
  await livekit?.stop();
});

/** A participant_left as LiveKit sends it, about no particular room instance. */
const participantLeft = (room: string, identity: string) =>
  JSON.stringify({
    event: 'participant_left',
    room: { name: room },
    participant: { sid: 'PA_gone', identity, state: 'DISCONNECTED' },
    id: `EV_${randomBytes(6).toString('hex')}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
  });

describe('LiveKit webhooks in a cluster', () => {
  test('a webhook delivered to a node that does not own the tenant is applied by the owner; a forged one is refused there', async (t) => {
    if (unavailable) return t.skip(unavailable);
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const { tenant, nodes } = cluster;
    const [n1, n2] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const ada = await tenant.createAgent('ada@hooks.test', 'Ada');
    await tenant.createRingGroup('support', [ada.user.id]);
    const adaTab = await AgentClient.connect(n1.sessionUrl(ada.token));
    t.after(() => adaTab.close());
    await adaTab.online();
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1');

    const placed = await requestJson(n1.url, 'POST', '/api/calls', {
      token: tenant.apiKey,
      body: { from: { name: 'Caller', address: '+15550100' }, to: '/group/support' },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const callId = placed.body.id as string;
    await adaTab.waitForCall(callId, 'ringing');
    assert.equal((await adaTab.request({ type: 'call.accept', callId })).type, 'ok');
    await adaTab.waitForCall(callId, 'connected');

    const room = callRoomName(tenant.id, callId);
    const agent = partyIdentity('agent', ada.user.id, adaTab.hello.sessionId);
    const body = participantLeft(room, agent);

    // Forged (signed with another secret): refused by the node it reached, nothing forwarded.
    const forged = await signWebhook(body, livekit!.apiKey, 'not-the-secret-of-this-livekit');
    assert.equal(await postWebhook(n2.url, body, forged), 401);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(adaTab.call(callId)?.status, 'connected', 'a forged webhook changes nothing');

    // Signed with the cluster's LiveKit key, delivered to n2 (the owner is n1).
    const signed = await signWebhook(body, livekit!.apiKey, livekit!.apiSecret);
    assert.equal(await postWebhook(n2.url, body, signed), 200);
    const ended = await adaTab.waitForCall(callId, 'disconnected', undefined, 8_000);
    assert.equal(ended.endReason, 'hangup', 'the owner ended the call: its agent left the media');
    assert.equal((await cluster.ownerOf(tenant.id))?.name, 'n1', 'still owned by n1');
  });
});
