/**
 * Runs the embedded media server inside a worker thread (see worker-host.ts). werift's RTP
 * forwarding, DTLS and SRTP are CPU-heavy; on their own thread they never delay a routing
 * decision in call control, and routing never delays a media packet.
 */
import { inspect } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { startMediaServer, type MediaServer } from './media-server.ts';
import type { MediaLogger } from './logger.ts';
import type { HostMessage, WorkerMessage, WorkerStartOptions } from './worker-messages.ts';

const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);

/** Log records cross the thread boundary as plain data; anything uncloneable becomes text. */
function forward(level: keyof MediaLogger) {
  return (obj: object, msg?: string) => {
    try {
      send({ type: 'log', level, obj: structuredClone(obj), msg });
    } catch {
      send({ type: 'log', level, obj: { detail: inspect(obj) }, msg });
    }
  };
}

const logger: MediaLogger = {
  debug: forward('debug'),
  info: forward('info'),
  warn: forward('warn'),
  error: forward('error'),
};
const options = workerData as WorkerStartOptions;
let webhookUrl: string | undefined = options.webhookUrl;
let server: MediaServer | undefined;

const STATS_INTERVAL_MS = 250;

try {
  server = await startMediaServer({ ...options, webhookUrl: () => webhookUrl, logger });
  send({ type: 'started', url: server.url, port: server.port, stats: server.stats() });
  setInterval(() => send({ type: 'stats', stats: server!.stats() }), STATS_INTERVAL_MS).unref();
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

async function handle(message: HostMessage): Promise<void> {
  if (message.type === 'set-webhook-url') webhookUrl = message.url;
  if (message.type === 'close') {
    await server?.close();
    send({ type: 'closed' });
    port.close();
  }
}
// A failure ends the worker (unhandled rejection), which the host reports.
port.on('message', (message: HostMessage) => void handle(message));
