/**
 * A private redis-server on a free loopback port, for runs that need LiveKit in Redis mode
 * (livekit-server and LiveKit SIP meet there). Each run gets its own process: Redis pub/sub
 * ignores database numbers, so two runs sharing one Redis would hear each other's LiveKit.
 *
 *   const redis = await startRedisServer();
 *   redis.address;        // "127.0.0.1:<port>", for livekit.yaml / the SIP config
 *   await redis.stop();
 *
 * Nothing is saved to disk. `redisServerUnavailable()` says why a machine cannot run one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freeTcpPort, killProcessGroup } from '../ports.ts';

export interface RedisServer {
  address: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env.REDIS_SERVER_BIN || 'redis-server';

/** Why this machine cannot start a redis-server, or undefined when it can. */
export function redisServerUnavailable(): string | undefined {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' });
  return probe.status === 0
    ? undefined
    : `${REDIS_SERVER} is not installed (apt-get install redis-server)`;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killProcessGroup(child, 'SIGKILL');
});

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freeTcpPort();
  const child = spawn(
    REDIS_SERVER,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    killProcessGroup(child, 'SIGTERM');
    const killer = setTimeout(() => killProcessGroup(child, 'SIGKILL'), 3_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitForPing(port, exited);
  } catch (error) {
    await stop();
    throw new Error(`redis-server did not start: ${(error as Error).message}\n${log}`, {
      cause: error,
    });
  }
  return { address: `127.0.0.1:${port}`, port, pid: child.pid!, stop };
}

/** Answers PONG once it accepts commands. */
async function waitForPing(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('it exited');
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('it did not answer PING within 10 s');
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
