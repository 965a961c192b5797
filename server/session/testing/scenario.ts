/**
 * Shortcuts for routing tests against a started test server: agents with connected tabs,
 * calls placed through the HTTP API, and call details read back over HTTP.
 */
import {
  requestJson,
  type TestServer,
  type TestTenant,
  type TestUser,
} from '../../test/harness.ts';
import type { CallDetail } from '../../calls/call-schemas.ts';
import { AgentClient } from './agent-client.ts';

export interface Agent extends TestUser {
  tab: AgentClient;
}

/** Opens a tab for the user; by default it also comes online. */
export async function openTab(
  server: TestServer,
  user: TestUser,
  { online = true } = {},
): Promise<AgentClient> {
  const tab = await AgentClient.connect(server.sessionUrl(user.token));
  if (online) await tab.online();
  return tab;
}

/** Creates an agent in the tenant (the main one by default) with one tab. */
export async function onlineAgent(
  server: TestServer,
  reference: string,
  name?: string,
  { online = true, tenant = server.tenant }: { online?: boolean; tenant?: TestTenant } = {},
): Promise<Agent> {
  const user = await tenant.createAgent(reference, name);
  return { ...user, tab: await openTab(server, user, { online }) };
}

export async function placeCall(
  server: TestServer,
  to: string,
  {
    from = 'Customer',
    params,
    apiKey = server.apiKey,
  }: { from?: unknown; params?: Record<string, string>; apiKey?: string } = {},
): Promise<CallDetail> {
  const response = await requestJson<CallDetail>(server.url, 'POST', '/api/calls', {
    token: apiKey,
    body: { from, to, params },
  });
  if (response.status !== 201)
    throw new Error(
      `POST /api/calls answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  return response.body;
}

export async function getCall(
  server: TestServer,
  callId: string,
  apiKey = server.apiKey,
): Promise<CallDetail> {
  const response = await requestJson<CallDetail>(server.url, 'GET', `/api/calls/${callId}`, {
    token: apiKey,
  });
  if (response.status !== 200)
    throw new Error(`GET /api/calls/${callId} answered ${response.status}`);
  return response.body;
}

/** Polls the call over HTTP until it satisfies `predicate` (for states no tab observes). */
export async function waitForCallState(
  server: TestServer,
  callId: string,
  predicate: (call: CallDetail) => boolean,
  description: string,
  timeoutMs = 5000,
): Promise<CallDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const call = await getCall(server, callId);
    if (predicate(call)) return call;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for call ${callId} ${description}: ${JSON.stringify(call)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function closeAll(tabs: AgentClient[]): Promise<void> {
  await Promise.all(tabs.map((tab) => tab.close()));
}
