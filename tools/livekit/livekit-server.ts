/**
 * A real livekit-server (bin/livekit-server, see build.ts) on free loopback ports, with a key
 * pair generated for it and its webhooks pointed where the caller says. For node:test files,
 * Playwright's web server (scripts/start-livekit.ts) and `npm run start:livekit`.
 *
 *   const livekit = await startLivekitServer({ webhookUrls: ['http://127.0.0.1:3000/api/livekit/webhook'] });
 *   livekit.url;                          // ws://127.0.0.1:<port>, for livekit-client and the server SDK
 *   livekit.apiKey; livekit.apiSecret;    // the pair it accepts and signs webhooks with
 *   await livekit.stop();                 // SIGTERM to its process group, SIGKILL after 5 s
 *
 * Single node, no Redis, unless `redisAddress` (and `keys`, shared by the nodes) make it one
 * node of several. `LIVEKIT_LOG=1` streams its log to stderr; otherwise the last lines
 * are kept and attached to a start failure. `livekitServerUnavailable()` says why a run cannot
 * have one (no binary and no Go), for a visible skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildLivekitServer,
  findGo,
  livekitServerPath,
  livekitServerStaleReason,
  pinnedLivekitVersion,
} from './build.ts';
import { livekitConfigYaml, livekitKeyFile } from './livekit-config.ts';

export interface LivekitServer {
  /** ws://127.0.0.1:<port>: what livekit-client and livekit-server-sdk connect to. */
  url: string;
  apiKey: string;
  apiSecret: string;
  ports: { signal: number; tcp: number; udp: number };
  pid: number;
  /** The config it runs with (README's production example with these ports, on loopback). */
  configYaml: string;
  /** The last lines it printed. */
  recentLog(): string;
  stop(): Promise<void>;
}

export interface StartLivekitOptions {
  /** Where it posts its webhooks (call control's /api/livekit/webhook). */
  webhookUrls?: string[];
  /** Redis mode, for LiveKit SIP: its own redis-server's "host:port" (tools/redis). */
  redisAddress?: string;
  /** Fixed ports (start:livekit); unset ones are chosen free at run time. */
  ports?: Partial<LivekitServer['ports']>;
  /** Build bin/livekit-server first if it is missing or stale (needs Go). Default true. */
  build?: boolean;
  /** The key pair, for several nodes of one LiveKit (they share Redis and keys); default: generated. */
  keys?: { apiKey: string; apiSecret: string };
}

/** Why this machine cannot run a livekit-server now, or undefined when it can. */
export function livekitServerUnavailable(): string | undefined {
  const stale = livekitServerStaleReason();
  if (!stale) return undefined;
  if (findGo()) return undefined; // startLivekitServer builds it
  return `${stale} and Go is not installed (npm run livekit:build needs Go 1.26)`;
}

const running = new Set<ChildProcess>();
// A test process that exits without stopping its servers (a crash, a failed before()) takes
// them down with it rather than leaving them on their ports.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export async function startLivekitServer(
  options: StartLivekitOptions = {},
): Promise<LivekitServer> {
  if (options.build ?? true) {
    if (livekitServerStaleReason()) buildLivekitServer((line) => process.stderr.write(`${line}\n`));
  }
  const ports = {
    signal: options.ports?.signal ?? (await freeTcpPort()),
    tcp: options.ports?.tcp ?? (await freeTcpPort()),
    udp: options.ports?.udp ?? (await freeUdpPort()),
  };
  const apiKey = options.keys?.apiKey ?? `API${randomBytes(6).toString('hex')}`;
  const apiSecret = options.keys?.apiSecret ?? randomBytes(32).toString('base64url');
  const configYaml = livekitConfigYaml({
    port: ports.signal,
    tcpPort: ports.tcp,
    udpPort: ports.udp,
    webhookApiKey: apiKey,
    webhookUrls: options.webhookUrls ?? [],
    network: 'loopback',
    redisAddress: options.redisAddress,
  });
  // livekit-server refuses a key file that others may read.
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-livekit-'));
  const configPath = join(dir, 'livekit.yaml');
  const keysPath = join(dir, 'keys.yaml');
  writeFileSync(configPath, configYaml, { mode: 0o600 });
  writeFileSync(keysPath, livekitKeyFile(apiKey, apiSecret), { mode: 0o600 });

  const child = spawn(
    livekitServerPath,
    ['--config', configPath, '--key-file', keysPath, '--bind', '127.0.0.1'],
    // Its own process group, so stopping it cannot miss anything it started.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const logLines: string[] = [];
  const keepLog = (chunk: Buffer) => {
    if (process.env.LIVEKIT_LOG) process.stderr.write(chunk);
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (logLines.length > 200) logLines.splice(0, logLines.length - 200);
  };
  child.stdout.on('data', keepLog);
  child.stderr.on('data', keepLog);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    // A first signal drains (it waits for participants to leave), a second one stops now.
    killGroup(child, 'SIGTERM');
    const force = setTimeout(() => killGroup(child, 'SIGTERM'), 100);
    const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
    clearTimeout(killer);
  };
  const url = `ws://127.0.0.1:${ports.signal}`;
  try {
    await waitUntilServing(`http://127.0.0.1:${ports.signal}/`, exited);
  } catch (error) {
    await stop();
    throw new Error(
      `livekit-server ${pinnedLivekitVersion()} did not start: ${(error as Error).message}\n${logLines.slice(-30).join('\n')}`,
      { cause: error },
    );
  }
  return {
    url,
    apiKey,
    apiSecret,
    ports,
    pid: child.pid!,
    configYaml,
    recentLog: () => logLines.join('\n'),
    stop,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Its HTTP root answers 200 once signalling and RoomService are up. */
async function waitUntilServing(url: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('it exited');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('it did not answer on its port within 30 s');
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
