/**
 * Steps the call media tests share: a tab's `call_media` frames, a connected call between two
 * tabs, the rooms the media server lists, and webhooks signed as LiveKit signs them.
 */
import assert from 'node:assert/strict';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { ServerMessage } from '../../../protocol/session-protocol.ts';
import type { TestServer } from '../../test/harness.ts';
import type { AgentClient } from '../../session/testing/agent-client.ts';
import type { Agent } from '../../session/testing/scenario.ts';
import {
  postWebhook,
  signWebhook,
  webhookBody,
  type WebhookEventName,
} from './livekit-webhooks.ts';

export type CallMediaFrame = Extract<ServerMessage, { type: 'call_media' }>;

export const mediaFrames = (tab: AgentClient) =>
  tab.frames.filter((frame): frame is CallMediaFrame => frame.type === 'call_media');

export function waitForMedia(tab: AgentClient, callId: string): Promise<CallMediaFrame> {
  return tab.waitUntil(
    () => mediaFrames(tab).find((frame) => frame.callId === callId),
    `call_media for ${callId}`,
  );
}

export async function roomNames(rooms: RoomServiceClient): Promise<string[]> {
  return (await rooms.listRooms()).map((room) => room.name);
}

/** Polls the media server until the room is gone (within 5 s). */
export async function waitForRoomGone(rooms: RoomServiceClient, name: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await roomNames(rooms)).includes(name)) {
    if (Date.now() > deadline) throw new Error(`room ${name} still exists`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Posts a webhook signed with the server's key pair, about the room's current instance. */
export async function sendWebhook(
  server: TestServer,
  rooms: RoomServiceClient,
  event: WebhookEventName,
  room: string,
  participant?: { identity: string; sid: string },
  roomSid?: string,
): Promise<number> {
  const { apiKey, apiSecret } = server.app.services.media.backend;
  // About the room's current instance, as LiveKit's own webhooks are.
  const [current] = roomSid ? [] : await rooms.listRooms([room]).catch(() => []);
  const body = webhookBody(event, room, participant, roomSid ?? current?.sid);
  return postWebhook(server.url, body, await signWebhook(body, apiKey, apiSecret));
}

/** A tab of `caller` dials `agent`, who accepts; resolves once both have their media frames. */
export async function connectedCall(caller: Agent, agent: Agent) {
  const dialed = await caller.tab.request({ type: 'call.dial', to: agent.address });
  assert.equal(dialed.type, 'outgoing_call');
  const callId = dialed.call.id;
  await agent.tab.waitForCall(callId, 'ringing');
  await agent.tab.request({ type: 'call.accept', callId });
  const [agentMedia, callerMedia] = await Promise.all([
    waitForMedia(agent.tab, callId),
    waitForMedia(caller.tab, callId),
  ]);
  return { callId, agentMedia, callerMedia };
}
