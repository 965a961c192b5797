/**
 * Call control as a real process (`server/main.ts` under tsx), for tests about the process
 * itself: a `kill -9` mid-call and the restart after it. Development mode, so the demo tenant
 * is seeded on first start (`DEMO_API_KEY`, `DEMO_PASSWORD`).
 *
 *   const node = await startServerProcess({ DATA_DIR: dir });   // or { DATABASE_URL }
 *   node.kill('SIGKILL');
 *   const again = await startServerProcess({ DATA_DIR: dir }, node.port);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown, no flush, as a crash. Resolves once the process is gone. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

const mainPath = fileURLToPath(new URL('../main.ts', import.meta.url));

export async function startServerProcess(
  env: Record<string, string>,
  port?: number,
): Promise<ServerProcess> {
  const chosenPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(chosenPort),
      MEDIA_PORT: '0',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'switchboard-process-test-secret',
      CONSOLE_DIR: '/nonexistent/switchboard-console',
      HEARTBEAT_SECONDS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.on('data', (chunk) => (printed += chunk));
  child.stderr.on('data', (chunk) => (printed += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${chosenPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`call control exited at start:\n${printed}`);
    const ready = await fetch(`${url}/api/docs/json`).then(
      (response) => response.ok,
      () => false,
    );
    // The demo seed runs right after listening; wait for its banner too.
    if (ready && /demo/i.test(printed)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`call control did not start within 60 s:\n${printed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: chosenPort,
    child,
    output: () => printed,
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
