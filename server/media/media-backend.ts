/**
 * Which LiveKit call control talks to. With LIVEKIT_URL set it is that deployment (LiveKit
 * Cloud or a self-hosted livekit-server) with its key pair; otherwise call control starts the
 * embedded media server (server/media-server) with a key pair generated for this process. Both
 * are used through the same livekit-server-sdk clients, so nothing downstream can tell them
 * apart.
 */
import { randomBytes } from 'node:crypto';
import type { RoomServiceClient } from 'livekit-server-sdk';
import { TokenReusingRoomService } from './room-service.ts';
import type { Config } from '../config.ts';
import type { MediaLogger } from '../media-server/index.ts';
import type { WorkerMediaServer } from '../media-server/worker-host.ts';

export interface MediaBackend {
  /** Where call control reaches LiveKit's API (RoomService). */
  serverUrl: string;
  /** What browsers are given in `call_media` to connect livekit-client to. */
  publicUrl: string;
  apiKey: string;
  apiSecret: string;
  rooms: RoomServiceClient;
  /** The embedded media server, when LIVEKIT_URL is unset (development, tests, `npm start`). */
  embedded?: WorkerMediaServer;
  /** Re-reads the webhook URL for the embedded server; call once call control listens. */
  refreshWebhookUrl(): void;
  close(): Promise<void>;
}

export interface MediaBackendOptions {
  /** Asked at each webhook the embedded server sends: call control's own webhook route, once it listens. */
  webhookUrl: () => string | undefined;
  logger: MediaLogger;
}

/** RoomService calls give up after this long, so a stuck LiveKit cannot hold a call open. */
const ROOM_SERVICE_TIMEOUT_SECONDS = 10;

export async function startMediaBackend(
  config: Config,
  options: MediaBackendOptions,
): Promise<MediaBackend> {
  if (config.livekitUrl) {
    // config.ts refuses a LIVEKIT_URL without its key pair.
    const apiKey = config.livekitApiKey!;
    const apiSecret = config.livekitApiSecret!;
    return {
      serverUrl: config.livekitUrl,
      publicUrl: config.livekitPublicUrl ?? config.livekitUrl,
      apiKey,
      apiSecret,
      rooms: roomService(config.livekitUrl, apiKey, apiSecret),
      refreshWebhookUrl: () => {},
      close: async () => {},
    };
  }

  const apiKey = `sb_${randomBytes(6).toString('hex')}`;
  const apiSecret = randomBytes(32).toString('base64url');
  let embedded: WorkerMediaServer;
  try {
    // Loaded only here: a deployment with LIVEKIT_URL never loads the embedded media server.
    const { startMediaServerInWorker } = await import('../media-server/worker-host.ts');
    // On its own thread: forwarding media must never delay a routing decision, nor the reverse.
    embedded = await startMediaServerInWorker({
      port: config.mediaPort,
      host: config.host,
      apiKey,
      apiSecret,
      webhookUrl: options.webhookUrl(),
      logger: options.logger,
    });
  } catch (error) {
    throw new Error(
      `could not start the embedded media server on ${config.host}:${config.mediaPort} (${(error as Error).message}); ` +
        'set MEDIA_PORT to a free port, or LIVEKIT_URL to use a real LiveKit',
      { cause: error },
    );
  }
  return {
    serverUrl: `ws://${reachableHost(config.host)}:${embedded.port}`,
    publicUrl:
      config.livekitPublicUrl ??
      `ws://${reachableHost(config.host, 'localhost', 'localhost')}:${embedded.port}`,
    apiKey,
    apiSecret,
    rooms: roomService(embedded.url, apiKey, apiSecret),
    embedded,
    refreshWebhookUrl: () => embedded.setWebhookUrl(options.webhookUrl()),
    close: () => embedded.close(),
  };
}

function roomService(url: string, apiKey: string, apiSecret: string): RoomServiceClient {
  return new TokenReusingRoomService(url, apiKey, apiSecret, {
    requestTimeout: ROOM_SERVICE_TIMEOUT_SECONDS,
  });
}

/** How to reach a server bound to `host`; one bound to every interface is reached through `any4`/`any6`. */
export function reachableHost(host: string, any4 = '127.0.0.1', any6 = '[::1]'): string {
  if (host === '0.0.0.0') return any4;
  if (host === '::') return any6;
  return host.includes(':') ? `[${host}]` : host;
}
