/** What the media-server worker and its host say to each other (worker-host.ts ↔ worker-entry.ts). */
import type { MediaServerStats } from './media-server.ts';
import type { MediaLogger } from './logger.ts';

export interface WorkerStartOptions {
  port?: number;
  host?: string;
  apiKey: string;
  apiSecret: string;
  webhookUrl?: string;
  iceLoopbackOnly?: boolean;
}

export type WorkerMessage =
  | { type: 'started'; url: string; port: number; stats: MediaServerStats }
  | { type: 'failed'; message: string }
  | { type: 'stats'; stats: MediaServerStats }
  | { type: 'log'; level: keyof MediaLogger; obj: object; msg?: string }
  | { type: 'closed' };

export type HostMessage = { type: 'set-webhook-url'; url: string | undefined } | { type: 'close' };
