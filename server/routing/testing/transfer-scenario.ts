/**
 * Shortcuts for transfer and hold tests over real sockets: a caller tab connected to an agent,
 * replies and errors of commands, the media frames a tab received, and signed LiveKit webhooks.
 */
import assert from 'node:assert/strict';
import type { CallView, ServerMessage } from '../../../protocol/session-protocol.ts';
import type { TestServer } from '../../test/harness.ts';
import type { AgentClient } from '../../session/testing/agent-client.ts';
import type { Agent } from '../../session/testing/scenario.ts';
import {
  postWebhook,
  signWebhook,
  webhookBody,
  type WebhookEventName,
} from '../../media/testing/livekit-webhooks.ts';

export type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;
type ErrorFrame = Extract<ServerMessage, { type: 'error' }>;

/** `caller`'s tab dials `to`; `agent` accepts. Resolves with the call id once it is connected. */
export async function connectedCall(caller: Agent, agent: Agent, to = agent.address) {
  const dialed = await caller.tab.request({ type: 'call.dial', to, params: { ticket: '4711' } });
  assert.equal(dialed.type, 'outgoing_call', JSON.stringify(dialed));
  const callId = dialed.call.id;
  await agent.tab.waitForCall(callId, 'ringing');
  assert.equal((await agent.tab.request({ type: 'call.accept', callId })).type, 'ok');
  await caller.tab.waitForOutgoing(callId, (call) => call.status === 'connected', 'connected');
  return callId;
}

/** Sends a command and asserts it succeeded. */
export async function expectOk(tab: AgentClient, message: Record<string, unknown>): Promise<void> {
  const reply = await tab.request(message);
  assert.equal(reply.type, 'ok', `${JSON.stringify(message)} → ${JSON.stringify(reply)}`);
}

/** Sends a command and asserts it was refused with `code` and a message matching `pattern`. */
export async function expectError(
  tab: AgentClient,
  message: Record<string, unknown>,
  code: ErrorFrame['code'],
  pattern: RegExp,
): Promise<void> {
  const reply = await tab.request(message);
  assert.equal(reply.type, 'error', `${JSON.stringify(message)} → ${JSON.stringify(reply)}`);
  assert.equal(reply.code, code, reply.message);
  assert.match(reply.message, pattern);
}

export const mediaFrames = (tab: AgentClient, callId: string) =>
  tab.frames.filter(
    (frame): frame is CallMediaFrame => frame.type === 'call_media' && frame.callId === callId,
  );

export function waitForMedia(tab: AgentClient, callId: string, count = 1): Promise<CallMediaFrame> {
  return tab.waitUntil(
    () => mediaFrames(tab, callId)[count - 1],
    `call_media #${count} for ${callId}`,
  );
}

/** Waits until the latest `outgoing_call` of the call satisfies `predicate`. */
export function waitForLatestOutgoing(
  tab: AgentClient,
  callId: string,
  predicate: (call: CallView) => boolean,
  description: string,
  timeoutMs?: number,
): Promise<CallView> {
  return tab.waitUntil(
    () => {
      const call = tab.outgoing.get(callId);
      return call && predicate(call) ? call : undefined;
    },
    `outgoing ${callId} ${description}; last ${JSON.stringify(tab.outgoing.get(callId))}`,
    timeoutMs,
  );
}

/** Waits until the tab's current view of the call satisfies `predicate`. */
export function waitForIncoming(
  tab: AgentClient,
  callId: string,
  predicate: (call: CallView) => boolean,
  description: string,
  timeoutMs?: number,
): Promise<CallView> {
  return tab.waitUntil(
    () => {
      const call = tab.call(callId);
      return call && predicate(call) ? call : undefined;
    },
    `incoming ${callId} ${description}`,
    timeoutMs,
  );
}

/** Posts a LiveKit webhook signed with the server's media key pair. */
export async function sendWebhook(
  server: TestServer,
  event: WebhookEventName,
  room: string,
  participant?: { identity: string; sid: string },
): Promise<void> {
  const { apiKey, apiSecret } = server.app.services.media.backend;
  const body = webhookBody(event, room, participant);
  assert.equal(
    await postWebhook(server.url, body, await signWebhook(body, apiKey, apiSecret)),
    200,
  );
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
