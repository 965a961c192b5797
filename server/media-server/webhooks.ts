import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { ParticipantInfo, Room, TrackInfo, WebhookEvent } from '@livekit/protocol';
import { newSid, nowSeconds } from './ids.ts';
import { errorMessage, type MediaLogger } from './logger.ts';
import { systemScheduler, type MediaScheduler } from './scheduler.ts';

export type WebhookEventName =
  | 'room_started'
  | 'room_finished'
  | 'participant_joined'
  | 'participant_left'
  | 'track_published'
  | 'track_unpublished';

export interface WebhookPayload {
  room?: Room;
  participant?: ParticipantInfo;
  track?: TrackInfo;
}

/**
 * Where webhooks go. A function is asked at each event, for a receiver whose address is only
 * known later (call control learns its own port when it starts listening); `undefined` means
 * "send nothing for this event".
 */
export type WebhookUrl = string | (() => string | undefined) | undefined;

const DELIVERY_TIMEOUT_MS = 5_000;
/** A failed delivery is tried again after each of these, then dropped with a warning. */
export const RETRY_DELAYS_MS = [250, 1_000];

/**
 * Posts LiveKit webhooks signed exactly as the real server does, so livekit-server-sdk's
 * `WebhookReceiver` accepts them: the raw JWT (no `Bearer`) in `Authorization`, carrying a
 * `sha256` claim of the exact body bytes. Deliveries are sent one at a time, in event order.
 */
export class WebhookNotifier {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: WebhookUrl,
    private readonly apiKey: string,
    private readonly apiSecret: string,
    private readonly logger: MediaLogger,
    /** Paces the retries (tests move a ManualScheduler instead of waiting). */
    private readonly scheduler: MediaScheduler = systemScheduler,
  ) {}

  notify(event: WebhookEventName, payload: WebhookPayload): void {
    const url = typeof this.url === 'function' ? this.url() : this.url;
    if (!url) return;
    const body = new WebhookEvent({
      event,
      room: payload.room,
      participant: payload.participant,
      track: payload.track,
      id: newSid('EV_'),
      createdAt: nowSeconds(),
    }).toJsonString();
    this.queue = this.queue.then(() => this.deliver(url, event, body));
  }

  /** Resolves once every queued delivery has finished (or failed), waiting at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.queue, timeout]);
    clearTimeout(timer);
  }

  private async deliver(url: string, event: WebhookEventName, body: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            Authorization: await this.sign(body),
            'Content-Type': 'application/webhook+json',
            'User-Agent': 'LiveKit',
          },
          body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        if (response.ok) return;
        throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          this.logger.warn({ event, err: errorMessage(error) }, 'webhook delivery failed');
          return;
        }
        await new Promise<void>((resolve) => this.scheduler.schedule(delay, resolve));
      }
    }
  }

  private sign(body: string): Promise<string> {
    const sha256 = createHash('sha256').update(body, 'utf8').digest('base64');
    return new SignJWT({ sha256 })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.apiKey)
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000))
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(this.apiSecret));
  }
}
