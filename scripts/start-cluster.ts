/**
 * `npm run start:cluster`: three call-control nodes behind nginx, with the machine's Redis and
 * PostgreSQL — the deployment of server/cluster on one machine. nginx (Debian's nginx-light)
 * serves the built console and spreads /api, WebSockets included, over the nodes
 * (deploy/nginx/switchboard.conf); the demo tenants are seeded; the address to sign in at is
 * printed. One Ctrl-C stops everything (the nodes hand their tenants over as they go).
 *
 * Environment: REDIS_URL (redis://127.0.0.1:6379), DATABASE_URL (the machine's PostgreSQL,
 * database `test`, schema `switchboard_cluster`), CLUSTER_PORT (nginx, 8080), CLUSTER_NODES (3),
 * CLUSTER_NODE_PORT (the first node's port, 8081; the others follow), LIVEKIT_URL and its keys
 * (a shared LiveKit; without it each node runs its embedded media server). The console is built
 * first (`npm run build`: ng build, then precompressed) when dist/ has none.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { nginxArguments, writeNginxConfig } from '../server/cluster/nginx-site.ts';
import { openDatabase } from '../server/db/database.ts';
import { demoBanner, seedDemo } from '../server/seed.ts';

const root = resolve(import.meta.dirname, '..');
const nginxPort = Number(process.env.CLUSTER_PORT || 8080);
const nodeCount = Number(process.env.CLUSTER_NODES || 3);
const firstNodePort = Number(process.env.CLUSTER_NODE_PORT || nginxPort + 1);
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const consoleDir = resolve(root, process.env.CONSOLE_DIR || 'dist/switchboard/browser');
const workDir = resolve(root, '.data/cluster');
const children: { name: string; child: ChildProcess }[] = [];

function fail(message: string): never {
  console.error(`start:cluster: ${message}`);
  process.exit(1);
}

const answers = (url: URL, fallbackPort: number) =>
  new Promise<boolean>((done) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || fallbackPort) });
    socket.setTimeout(2000);
    const end = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
    socket.once('timeout', () => end(false));
  });

async function databaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const base = 'postgres://root@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  await client.connect().catch(() => fail(`no PostgreSQL at ${base}; set DATABASE_URL`));
  await client.query('CREATE SCHEMA IF NOT EXISTS switchboard_cluster');
  await client.end();
  const url = new URL(base);
  url.searchParams.set('options', '-c search_path=switchboard_cluster');
  return url.toString();
}

async function waitHealthy(url: string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  fail(`${what} did not answer at ${url}/api/health`);
}

let stopping = false;
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const { name, child } of children) child.kill(name === 'nginx' ? 'SIGQUIT' : 'SIGTERM');
  setTimeout(() => process.exit(code), 4000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// ------------------------------------------------------------------ what it needs
if (spawnSync('nginx', ['-v']).error)
  fail('nginx is not installed (Debian: apt-get install nginx-light)');
if (!(await answers(new URL(redisUrl), 6379))) fail(`no Redis at ${redisUrl}; set REDIS_URL`);
const database = await databaseUrl();
if (!existsSync(resolve(consoleDir, 'index.html'))) {
  console.log('start:cluster: building the console (npm run build) …');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) fail('the console did not build');
}

// Migrated and seeded once, so the nodes never race each other for it.
const db = await openDatabase({ databaseUrl: database });
const { demoAvailable } = await seedDemo(db);
await db.close();

// ------------------------------------------------------------------ the nodes
const nodes = Array.from({ length: nodeCount }, (_, index) => ({
  name: `node-${index + 1}`,
  port: firstNodePort + index,
}));
for (const node of nodes) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(node.port),
      NODE_ID: node.name,
      REDIS_URL: redisUrl,
      DATABASE_URL: database,
      CONSOLE_DIR: consoleDir,
      // nginx in front: its X-Forwarded-Proto/-For are the browser's (HSTS, sign-in limits).
      TRUST_PROXY: '127.0.0.1',
      // Without a shared LiveKit each node runs its own embedded media server.
      MEDIA_PORT: process.env.LIVEKIT_URL ? '7880' : String(node.port + 1000),
    },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`start:cluster: ${node.name} exited (${signal ?? code}); stopping everything.`);
      stop(1);
    }
  });
  children.push({ name: node.name, child });
}
await Promise.all(nodes.map((node) => waitHealthy(`http://127.0.0.1:${node.port}`, node.name)));

// ------------------------------------------------------------------ nginx
// The browser is given each node's media URL: a shared LiveKit's, or each node's own.
const mediaUrls = process.env.LIVEKIT_URL
  ? [process.env.LIVEKIT_PUBLIC_URL || process.env.LIVEKIT_URL]
  : nodes.map((node) => `ws://127.0.0.1:${node.port + 1000}`);
const nginxConf = await writeNginxConfig(
  workDir,
  {
    listen: `127.0.0.1:${nginxPort}`,
    nodes: nodes.map((node) => `127.0.0.1:${node.port}`),
    nodeOptions: 'max_fails=1 fail_timeout=2s',
    consoleDir,
    mediaUrls,
  },
  { workerConnections: 4096 },
);
const nginx = spawn('nginx', nginxArguments(workDir, nginxConf), { stdio: 'inherit' });
nginx.on('exit', (code) => {
  if (!stopping) {
    console.error(`start:cluster: nginx exited (${code}); see ${workDir}/nginx-error.log`);
    stop(1);
  }
});
children.push({ name: 'nginx', child: nginx });
const publicUrl = `http://localhost:${nginxPort}`;
await waitHealthy(`http://127.0.0.1:${nginxPort}`, 'nginx');

console.log(
  `\nSwitchboard cluster: ${nodes.length} nodes (${nodes.map((n) => `${n.name} :${n.port}`).join(', ')}) behind nginx, Redis ${redisUrl}.`,
);
console.log(`Sign in at ${publicUrl}/`);
if (demoAvailable) console.log(demoBanner(`${publicUrl}/`, publicUrl));
console.log('Ctrl-C stops the nodes (each hands its tenants to the others as it goes) and nginx.');
