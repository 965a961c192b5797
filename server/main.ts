/**
 * Runs call control as a process: configuration checked at boot, the app on its port, demo
 * data on a first development run, and a graceful shutdown that lets in-flight requests and
 * call records finish.
 */
import { loadConfig, type Config } from './config.ts';
import { buildApp, type App } from './app.ts';
import { demoBanner, seedDemo } from './seed.ts';
import type { DestinationStream } from 'pino';

const production = process.env.NODE_ENV === 'production';

function fail(message: string): never {
  console.error(`switchboard: ${message}`);
  process.exit(1);
}

async function announce(app: App, config: Config): Promise<void> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const apiUrl = `http://${host}:${config.port}`;
  // `npm start` serves the console from `ng serve` and says where through CONSOLE_URL.
  const consoleUrl = config.consoleUrl || `${apiUrl}/`;
  if (production) {
    if (!config.livekitUrl)
      console.log(
        'Media: using the embedded media server (no TURN, one process); set LIVEKIT_URL for a real LiveKit.',
      );
    const [row] = await app.services.database.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM tenants`,
    );
    if (Number(row?.count) === 0)
      console.log('No tenants yet: create one with `npm run tenant -- create <name>`.');
    return;
  }
  const { seeded, demoAvailable } = await seedDemo(app.services.database);
  if (seeded) console.log('Seeded the demo tenants "demo" and "acme".');
  if (demoAvailable) console.log(demoBanner(consoleUrl, apiUrl));
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  fail((error as Error).message);
}

/**
 * Development logs as one readable line each (time, level, module: message) through pino-pretty,
 * in this thread (a transport worker would not load through tsx) so they never interleave with
 * the banner; production keeps pino's JSON lines on stdout.
 */
async function logStream(): Promise<DestinationStream | undefined> {
  if (config.logFormat === 'json') return undefined;
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,module',
    messageFormat: '{if module}{module}: {end}{msg}',
    singleLine: true,
    sync: true,
  });
}

let app: App;
try {
  app = await buildApp(config, undefined, { logStream: await logStream() });
} catch (error) {
  // e.g. the embedded media server's port is taken: say so instead of printing a stack.
  fail((error as Error).message);
}
try {
  await app.listen({ host: config.host, port: config.port });
} catch (error) {
  app.log.error({ err: error }, 'could not start listening');
  await app.close();
  fail(`could not listen on ${config.host}:${config.port}: ${(error as Error).message}`);
}
const address = app.server.address();
if (address && typeof address === 'object') config = { ...config, port: address.port };
await announce(app, config);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C means "now": do not wait for open connections to drain.
    if (closing) process.exit(1);
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  });
}
