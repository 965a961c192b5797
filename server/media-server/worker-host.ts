/**
 * Starts the embedded media server on its own worker thread and hands back the same
 * `MediaServer` shape as `startMediaServer`, so callers cannot tell the difference.
 * `stats()` answers from the latest snapshot the worker sent (at most 250 ms old).
 */
import { Worker } from 'node:worker_threads';
import type { MediaServer, MediaServerStats } from './media-server.ts';
import { silentLogger, type MediaLogger } from './logger.ts';
import type { HostMessage, WorkerMessage, WorkerStartOptions } from './worker-messages.ts';

export interface WorkerMediaServer extends MediaServer {
  /** Where webhooks go from now on; call control learns its own address only once it listens. */
  setWebhookUrl(url: string | undefined): void;
}

const CLOSE_TIMEOUT_MS = 5_000;

export function startMediaServerInWorker(
  options: WorkerStartOptions & { logger?: MediaLogger },
): Promise<WorkerMediaServer> {
  const { logger = silentLogger, ...startOptions } = options;
  // The worker inherits this process's execArgv, so the TypeScript loader (tsx) applies there too.
  const worker = new Worker(new URL('./worker-entry.ts', import.meta.url), {
    workerData: startOptions,
    // Also the OS thread's name: bench:media reads the media server's own CPU by it.
    name: 'media-server',
  });
  const send = (message: HostMessage) => worker.postMessage(message);
  let latestStats: MediaServerStats = { rooms: 0, participants: 0, forwardedStreams: 0 };
  let closed: Promise<void> | undefined;

  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`media server worker exited with code ${code}`)),
    );
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'log':
          logger[message.level](message.obj, message.msg);
          break;
        case 'stats':
          latestStats = message.stats;
          break;
        case 'failed':
          void worker.terminate();
          reject(new Error(message.message));
          break;
        case 'started':
          latestStats = message.stats;
          worker.off('error', reject);
          worker.on('error', (error: Error) =>
            logger.error({ err: error.message }, 'media server worker failed'),
          );
          resolve({
            url: message.url,
            port: message.port,
            stats: () => latestStats,
            setWebhookUrl: (url) => send({ type: 'set-webhook-url', url }),
            close: () =>
              (closed ??= new Promise<void>((done) => {
                const timer = setTimeout(
                  () => void worker.terminate().then(() => done()),
                  CLOSE_TIMEOUT_MS,
                );
                worker.once('exit', () => {
                  clearTimeout(timer);
                  done();
                });
                send({ type: 'close' });
              })),
          });
          break;
        case 'closed':
          // The server inside has closed cleanly; whatever still keeps the thread's loop alive
          // (werift's sockets and timers) would only delay shutdown until CLOSE_TIMEOUT_MS.
          void worker.terminate();
          break;
      }
    });
  });
}
