/**
 * `npm run bench:console`: what an agent's browser pays for the console.
 *
 * 1. Initial bundle: a production build's initial files (raw and gzip), and a check that
 *    livekit-client is not among them (it must load lazily with the media code).
 * 2. Ring latency: time from an `incoming_calls` frame arriving on the socket to its ringing
 *    card painted, measured in the page with performance marks (frame listener added before
 *    the SDK's, card seen by a MutationObserver, "painted" = the task after the next frame).
 *
 * Runs call control itself (in-memory database) and Debian's Chromium; prints a summary and
 * one JSON line for machines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');
const outputPath = path.join(root, 'dist/bench-console');
const browserDir = path.join(outputPath, 'browser');
const port = Number(process.env.BENCH_PORT ?? 3290);
const baseURL = `http://127.0.0.1:${port}`;
const calls = Number(process.env.BENCH_CALLS ?? 20);
const apiKey = 'sbk_demo_switchboard_local_only';
const budgetGzipBytes = 250 * 1024;

interface InitialFile {
  file: string;
  raw: number;
  gzip: number;
}

function build(): void {
  console.log('building the console (production, with stats)…');
  const result = spawnSync('ng', ['build', '--stats-json', '--output-path', outputPath], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (result.status !== 0) throw new Error('ng build failed');
}

/** The files index.html makes the browser fetch before the app can start. */
function initialFiles(): InitialFile[] {
  const html = readFileSync(path.join(browserDir, 'index.html'), 'utf8');
  const references = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]+href="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+href="([^"]+)"[^>]+rel="(?:modulepreload|stylesheet)"/g),
  ].map((match) => match[1]);
  return [...new Set(references)]
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const content = readFileSync(path.join(browserDir, file));
      return { file, raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
    });
}

/** Inputs of the initial files, from the esbuild metafile the build wrote as stats.json. */
function initialInputs(files: InitialFile[]): string[] {
  const statsPath = path.join(outputPath, 'stats.json');
  if (!existsSync(statsPath)) return [];
  const stats = JSON.parse(readFileSync(statsPath, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const names = new Set(files.map((f) => f.file));
  return Object.entries(stats.outputs)
    .filter(([output]) => names.has(path.basename(output)))
    .flatMap(([, output]) => Object.keys(output.inputs));
}

async function startServer(): Promise<ChildProcess> {
  const server = spawn('tsx', ['server/main.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: 'memory',
      CONSOLE_DIR: browserDir,
      LOG_LEVEL: 'warn',
    },
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${baseURL}/api/docs`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('call control did not start within 60 s');
}

/** Installed before the app: marks each ringing call's first frame and its card's first paint. */
function instrumentPage(): void {
  type Bench = { frames: Map<string, number>; painted: Map<string, number> };
  const bench: Bench = { frames: new Map(), painted: new Map() };
  (window as unknown as { __bench: Bench }).__bench = bench;
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Registered before the SDK assigns onmessage, so it runs first for every frame.
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string' || !event.data.includes('"incoming_calls"')) return;
        const arrivedAt = performance.now();
        const message = JSON.parse(event.data) as { calls: { id: string; status: string }[] };
        for (const call of message.calls) {
          if (call.status !== 'ringing' || bench.frames.has(call.id)) continue;
          bench.frames.set(call.id, arrivedAt);
          performance.mark(`incoming_calls:${call.id}`, { startTime: arrivedAt });
        }
      });
    }
  };
  new MutationObserver(() => {
    for (const card of document.querySelectorAll('app-ringing-card[data-call-id]')) {
      const id = card.getAttribute('data-call-id')!;
      if (!bench.frames.has(id) || bench.painted.has(id)) continue;
      bench.painted.set(id, -1);
      // rAF runs just before the frame is painted; the next task runs just after it.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          bench.painted.set(id, performance.now());
          performance.mark(`ringing-card-painted:${id}`);
          performance.measure(
            `list-to-card:${id}`,
            `incoming_calls:${id}`,
            `ringing-card-painted:${id}`,
          );
        };
        channel.port2.postMessage(null);
      });
    }
  }).observe(document, { subtree: true, childList: true });
}

async function api(method: string, url: string, body?: unknown): Promise<{ id: string }> {
  const response = await fetch(`${baseURL}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

async function measureRingLatency(page: Page): Promise<number[]> {
  await page.goto(`${baseURL}/sign-in`);
  await page.getByLabel('Tenant').fill('demo');
  await page.getByLabel('Email').fill('ada@demo.test');
  await page.getByLabel('Password').fill('switchboard');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('switch', { name: 'Come online' }).click();
  await page.getByText('Online: calls ring here').waitFor();

  const latencies: number[] = [];
  for (let i = 0; i < calls; i++) {
    const call = await api('POST', '/api/calls', {
      from: { name: `Bench caller ${i + 1}`, address: `+1555000${i}` },
      to: '/private/ada',
    });
    const handle = await page.waitForFunction(
      (id) => {
        const bench = (
          window as unknown as {
            __bench: { frames: Map<string, number>; painted: Map<string, number> };
          }
        ).__bench;
        const painted = bench.painted.get(id);
        return painted !== undefined && painted > 0 ? painted - bench.frames.get(id)! : null;
      },
      call.id,
      { timeout: 10_000 },
    );
    latencies.push((await handle.jsonValue()) as number);
    await api('POST', `/api/calls/${call.id}/hangup`);
    await page.waitForTimeout(150);
  }
  return latencies;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

async function main(): Promise<void> {
  build();
  const files = initialFiles();
  const raw = files.reduce((sum, f) => sum + f.raw, 0);
  const gzip = files.reduce((sum, f) => sum + f.gzip, 0);
  const livekitInInitial = initialInputs(files).some((input) =>
    input.includes('node_modules/livekit-client'),
  );
  const lazyChunks = statSync(browserDir).isDirectory()
    ? spawnSync('ls', [browserDir], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((f) => f.endsWith('.js') && !files.some((i) => i.file === f)).length
    : 0;

  console.log('\nInitial bundle (production build):');
  for (const file of files)
    console.log(
      `  ${file.file.padEnd(28)} ${kB(file.raw).padStart(10)} raw  ${kB(file.gzip).padStart(9)} gzip`,
    );
  console.log(
    `  ${'total'.padEnd(28)} ${kB(raw).padStart(10)} raw  ${kB(gzip).padStart(9)} gzip  (target ≤ ${kB(budgetGzipBytes)} gzip: ${gzip <= budgetGzipBytes ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  livekit-client in the initial bundle: ${livekitInInitial ? 'YES (should be lazy)' : 'no'}; lazy chunks: ${lazyChunks}`,
  );

  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_BIN || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.addInitScript(instrumentPage);
    const latencies = await measureRingLatency(page);
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    console.log(`\nincoming_calls frame → ringing card painted, ${latencies.length} calls:`);
    console.log(
      `  median ${median.toFixed(1)} ms · p95 ${p95.toFixed(1)} ms · min ${sorted[0].toFixed(1)} ms · max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    console.log(
      JSON.stringify({
        initialRawBytes: raw,
        initialGzipBytes: gzip,
        livekitInInitial,
        ringToPaintMs: {
          median,
          p95,
          min: sorted[0],
          max: sorted.at(-1),
          samples: latencies.length,
        },
      }),
    );
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
