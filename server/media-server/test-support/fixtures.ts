import { createServer, type Server } from 'node:http';
import {
  AccessToken,
  WebhookReceiver,
  type VideoGrant,
  type WebhookEvent,
} from 'livekit-server-sdk';
import { pino } from 'pino';
import { startMediaServer, type MediaServer } from '../index.ts';

export const API_KEY = 'test-key';
export const API_SECRET = 'test-secret-that-is-long-enough-for-hs256';

/** `MEDIA_SERVER_LOG=debug|info|warn` prints the server's log while debugging a test. */
export function startTestServer(webhookUrl?: string): Promise<MediaServer> {
  const level = process.env.MEDIA_SERVER_LOG;
  const logger = level ? pino({ level }, pino.destination(2)) : undefined;
  return startMediaServer({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl, logger });
}

export function joinToken(
  room: string,
  identity: string,
  grant: Partial<VideoGrant> = {},
  secret = API_SECRET,
): Promise<string> {
  const token = new AccessToken(API_KEY, secret, { identity, name: identity, ttl: '10m' });
  token.addGrant({ roomJoin: true, room, ...grant });
  return token.toJwt();
}

/**
 * An HTTP endpoint that verifies every webhook with the real livekit-server-sdk
 * WebhookReceiver and records the events it accepted (and how many it rejected).
 */
export class WebhookSink {
  readonly events: WebhookEvent[] = [];
  rejected = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookSink> {
    const receiver = new WebhookReceiver(API_KEY, API_SECRET);
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        receiver
          .receive(body, request.headers.authorization)
          .then((event) => {
            if (request.headers['content-type'] !== 'application/webhook+json')
              throw new Error('content type');
            sink.events.push(event);
            response.writeHead(200).end();
          })
          .catch(() => {
            sink.rejected++;
            response.writeHead(401).end();
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const sink = new WebhookSink(server, `http://127.0.0.1:${port}/livekit/webhook`);
    return sink;
  }

  names(): string[] {
    return this.events.map((event) => event.event);
  }

  find(
    name: string,
    predicate: (event: WebhookEvent) => boolean = () => true,
  ): WebhookEvent | undefined {
    return this.events.find((event) => event.event === name && predicate(event));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
