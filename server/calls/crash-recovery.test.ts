/**
 * `kill -9` of call control mid-call, on the embedded database (on disk) and on PostgreSQL:
 * after the restart no call is left open or lost (a connected call, one placed through the API a
 * moment before the crash, and one a tab dialled and was told about just before it, are all
 * recorded as ended `failed`), and the agent's tab reconnects by itself, learns its old session
 * is gone (`resumed: false`) and comes back online.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresTestSchema, requestJson } from '../test/harness.ts';
import { startServerProcess, type ServerProcess } from '../test/server-process.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { DEMO_API_KEY, DEMO_PASSWORD } from '../seed.ts';
import type { CallDetail } from './call-schemas.ts';

async function signIn(node: ServerProcess, email: string): Promise<string> {
  const response = await requestJson(node.url, 'POST', '/api/auth/login', {
    body: { tenant: 'demo', email, password: DEMO_PASSWORD },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.token;
}

const sessionUrl = (node: ServerProcess, token: string, resume?: string) =>
  `ws://127.0.0.1:${node.port}/api/session?token=${encodeURIComponent(token)}${
    resume ? `&resume=${resume}` : ''
  }`;

async function placeCall(node: ServerProcess, to: string): Promise<CallDetail> {
  const response = await requestJson<CallDetail>(node.url, 'POST', '/api/calls', {
    token: DEMO_API_KEY,
    body: { from: 'Crash Caller', to },
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

async function crashScenario(env: Record<string, string>): Promise<void> {
  let node = await startServerProcess(env);
  try {
    const adaToken = await signIn(node, 'ada@demo.test');
    const ada = await AgentClient.connect(sessionUrl(node, adaToken));
    await ada.online();
    const grace = await AgentClient.connect(
      sessionUrl(node, await signIn(node, 'grace@demo.test')),
    );

    // A connected call…
    const connected = await placeCall(node, '/private/ada');
    await ada.waitForCall(connected.id, 'ringing');
    await ada.request({ type: 'call.accept', callId: connected.id });
    await ada.waitForCall(connected.id, 'connected');
    // …and one placed the moment before the crash (its record not yet written behind).
    const justPlaced = await placeCall(node, '/private/grace');
    // …and one a tab dialled: killed the moment the tab learns its id, as the HTTP 201 above.
    const dialled = await grace.request({ type: 'call.dial', to: '/group/support' });
    if (dialled.type !== 'outgoing_call') assert.fail(`dial refused: ${JSON.stringify(dialled)}`);
    await node.crash();
    await ada.waitForClose();
    await grace.waitForClose();

    node = await startServerProcess(env, node.port);
    for (const call of [connected, justPlaced, dialled.call]) {
      const after = await requestJson<CallDetail>(node.url, 'GET', `/api/calls/${call.id}`, {
        token: DEMO_API_KEY,
      });
      assert.equal(after.status, 200, `call ${call.id} was lost: ${JSON.stringify(after.body)}`);
      assert.equal(after.body.status, 'ended');
      assert.equal(after.body.endReason, 'failed');
      assert.ok(after.body.endedAt, 'an ended call has its end time');
    }

    // The tab comes back as the SDK does: asking for its session, told it is gone, online again.
    const back = await AgentClient.connect(sessionUrl(node, adaToken, ada.hello.sessionId));
    assert.equal(back.hello.resumed, false);
    const registered = await back.online();
    assert.equal(registered.type, 'registered');
    await back.waitForPresence('available');
    await back.close();
  } finally {
    await node.stop();
  }
}

test('kill -9 mid-call on the embedded database: nothing left open or lost, the tab comes back', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-crash-'));
  try {
    await crashScenario({ DATA_DIR: dataDir });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 mid-call on PostgreSQL: nothing left open or lost, the tab comes back', async (t) => {
  const schema = await createPostgresTestSchema();
  if (!schema) return t.skip('PostgreSQL not reachable');
  try {
    await crashScenario({ DATABASE_URL: schema.url });
  } finally {
    await schema.drop();
  }
});
