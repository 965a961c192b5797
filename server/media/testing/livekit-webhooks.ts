/**
 * LiveKit webhooks made by hand, for tests: signed exactly as LiveKit signs them (the raw JWT,
 * no "Bearer", in `Authorization`; HS256 with the API secret; issuer = API key; a `sha256` claim
 * of the exact body bytes), or deliberately not.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { WEBHOOK_PATH } from '../webhook-routes.ts';

export type WebhookEventName =
  | 'participant_joined'
  | 'participant_left'
  | 'participant_connection_aborted'
  | 'room_finished'
  | 'room_started';

/** A WebhookEvent body as LiveKit serialises it (proto3 JSON). */
export function webhookBody(
  event: WebhookEventName,
  room: string,
  participant?: { identity: string; sid: string },
  /** The room instance it is about (LiveKit's room sid); call control ignores other instances. */
  roomSid = 'RM_test',
): string {
  return JSON.stringify({
    event,
    room: { sid: roomSid, name: room },
    ...(participant
      ? {
          participant: {
            sid: participant.sid,
            identity: participant.identity,
            state: event === 'participant_joined' ? 'ACTIVE' : 'DISCONNECTED',
          },
        }
      : {}),
    id: `EV_${randomBytes(6).toString('hex')}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
  });
}

/** The `Authorization` value LiveKit sends with `body`. */
export function signWebhook(body: string, apiKey: string, apiSecret: string): Promise<string> {
  const sha256 = createHash('sha256').update(body, 'utf8').digest('base64');
  return new SignJWT({ sha256 })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(apiKey)
    .setIssuedAt()
    .setNotBefore(Math.floor(Date.now() / 1000))
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(apiSecret));
}

/** POSTs a body to call control's webhook route; `authorization` undefined sends none. */
export async function postWebhook(
  baseUrl: string,
  body: string,
  authorization: string | undefined,
  contentType = 'application/webhook+json',
): Promise<number> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await fetch(`${baseUrl}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}
