/**
 * `npm run bench:media`: what media costs, measured on the real thing.
 *
 * 1. Accept → first remote video frame: over BENCH_CALLS (20) calls between two consoles with
 *    video on, the time from the agent's Accept click to the first frame of the caller's video
 *    painted in the agent's remote `<video>` (requestVideoFrameCallback), measured in the page.
 *    Also when `framesDecoded` first reads > 0, and a breakdown from the console's User Timing
 *    marks (call_media frame, room connected, tracks published, remote media).
 * 2. CPU per forwarded stream: call control's process CPU (the embedded media server runs in
 *    it) while BENCH_CONCURRENT_CALLS (2) video calls forward their streams, minus its idle
 *    CPU, divided by the number of forwarded streams (each side's camera and microphone to the
 *    other side: 4 per call, counted from the receivers' stats).
 *
 * Runs call control itself (in-memory database, embedded media server on a free port) and
 * Debian's Chromium with fake devices; prints a summary and one JSON line for machines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');
const outputPath = path.resolve(root, process.env.BENCH_DIST ?? 'dist/bench-media');
const port = Number(process.env.BENCH_PORT ?? 3292);
const baseURL = `http://127.0.0.1:${port}`;
const calls = Number(process.env.BENCH_CALLS ?? 20);
const concurrentCalls = Number(process.env.BENCH_CONCURRENT_CALLS ?? 2);
const cpuWindowMs = Number(process.env.BENCH_CPU_WINDOW_MS ?? 10_000);
const targetMedianMs = 800;

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Agent ← caller pairs; the first one also runs the latency loop. */
const pairs = [
  { agent: 'ada@demo.test', agentAddress: '/private/ada', caller: 'katherine@demo.test' },
  { agent: 'grace@demo.test', agentAddress: '/private/grace', caller: 'alan@demo.test' },
  { agent: 'sam@demo.test', agentAddress: '/private/sam', caller: 'admin@demo.test' },
];

function build(): void {
  console.log('building the console (production)…');
  const result = spawnSync('ng', ['build', '--output-path', outputPath], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (result.status !== 0) throw new Error('ng build failed');
}

/** Call control as its own process (not tsx's wrapper), so its pid is the one to measure. */
async function startServer(): Promise<ChildProcess> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDIA_PORT: '0',
      DATA_DIR: 'memory',
      CONSOLE_DIR: path.join(outputPath, 'browser'),
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

/** User + system CPU seconds of a process so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

async function coreFraction(pid: number, ms: number): Promise<number> {
  const start = cpuSeconds(pid);
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuSeconds(pid) - start) / ((performance.now() - startedAt) / 1000);
}

/** Installed before the app: marks every `call_media` frame and watches the remote video. */
function instrumentPage(): void {
  type Bench = {
    acceptAt: number | null;
    firstFrameAt: number | null;
    firstDecodedAt: number | null;
  };
  const bench: Bench = { acceptAt: null, firstFrameAt: null, firstDecodedAt: null };
  (window as unknown as { __bench: Bench }).__bench = bench;
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data === 'string' && event.data.includes('"call_media"'))
          performance.mark('bench:call_media');
      });
    }
  };
  const watched = new WeakSet<HTMLVideoElement>();
  new MutationObserver(() => {
    for (const video of document.querySelectorAll<HTMLVideoElement>('video.remote-video')) {
      if (watched.has(video)) continue;
      watched.add(video);
      video.requestVideoFrameCallback(() => {
        if (bench.acceptAt !== null && bench.firstFrameAt === null)
          bench.firstFrameAt = performance.now();
      });
    }
  }).observe(document, { subtree: true, childList: true });
}

/**
 * `BENCH_TRACE=1`: logs every PeerConnection's negotiation steps and state changes, printed per
 * call on the same clock as the marks (where the time between Accept and the first frame goes).
 */
function tracePeerConnections(): void {
  const trace: [number, string][] = [];
  (window as unknown as { __pcTrace: [number, string][] }).__pcTrace = trace;
  const ids = new WeakMap<RTCPeerConnection, number>();
  let created = 0;
  const note = (pc: RTCPeerConnection, event: string) =>
    trace.push([performance.timeOrigin + performance.now(), `pc${ids.get(pc)} ${event}`]);
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      ids.set(this, ++created);
      note(this, 'created');
      this.addEventListener('connectionstatechange', () =>
        note(this, `connection ${this.connectionState}`),
      );
      this.addEventListener('iceconnectionstatechange', () =>
        note(this, `ice ${this.iceConnectionState}`),
      );
      this.addEventListener('track', (event) => note(this, `track ${event.track.kind}`));
    }
    override setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      note(this, `setLocalDescription(${description?.type ?? ''})`);
      return super.setLocalDescription(description);
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      note(this, `setRemoteDescription(${description.type})`);
      return super.setRemoteDescription(description);
    }
  };
}

interface Tab {
  page: Page;
  name: string;
}

async function signIn(browser: Browser, email: string): Promise<Tab> {
  const page = await (
    await browser.newContext({ permissions: ['microphone', 'camera'] })
  ).newPage();
  // tsx keeps function names with an `__name()` helper that the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await page.addInitScript(instrumentPage);
  if (process.env.BENCH_TRACE) await page.addInitScript(tracePeerConnections);
  page.on('pageerror', (error) => console.error(`[${email}] ${error.message}`));
  await page.goto(`${baseURL}/sign-in`);
  await page.getByLabel('Tenant').fill('demo');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('switchboard');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('switch', { name: 'Come online' }).waitFor();
  await page.getByRole('switch', { name: 'Video calls' }).click();
  return { page, name: email };
}

async function comeOnline(tab: Tab): Promise<void> {
  await tab.page.getByRole('switch', { name: 'Come online' }).click();
  await tab.page.getByText('Online: calls ring here').waitFor();
}

async function dial(caller: Tab, address: string): Promise<void> {
  await caller.page.getByLabel('Address').fill(address);
  await caller.page.getByRole('button', { name: 'Call', exact: true }).click();
}

interface Sample {
  firstFrameMs: number;
  firstDecodedMs: number;
  /** The agent's User Timing marks, in ms after Accept. */
  steps: Record<string, number>;
  /** The caller's marks, in ms after the agent's Accept. */
  callerSteps?: Record<string, number>;
}

/** One call: dial, Accept (clicked in the page, timed there), first frame, hang up. */
async function timeOneCall(agent: Tab, caller: Tab, address: string): Promise<Sample> {
  await dial(caller, address);
  await agent.page
    .locator('app-ringing-card:not(.ended)')
    .getByRole('button', { name: 'Accept' })
    .waitFor({ state: 'visible', timeout: 15_000 });
  // Clicked from inside the page, so the start time is the click itself, not Playwright's.
  await agent.page.evaluate(async () => {
    type Bench = {
      acceptAt: number | null;
      firstFrameAt: number | null;
      firstDecodedAt: number | null;
    };
    type Hook = { stats(): Promise<{ inbound: { video: { framesDecoded: number } } }[]> };
    const bench = (window as unknown as { __bench: Bench }).__bench;
    const acceptButton = () =>
      document.querySelector<HTMLButtonElement>(
        'app-ringing-card:not(.ended) button.accept:enabled',
      );
    while (!acceptButton()) await new Promise((resolve) => setTimeout(resolve, 10));
    performance.clearMarks();
    bench.firstFrameAt = bench.firstDecodedAt = null;
    bench.acceptAt = performance.now();
    acceptButton()!.click();
    const poll = async () => {
      const hook = (window as unknown as { __switchboardMedia?: Hook }).__switchboardMedia;
      const stats = (await hook?.stats().catch(() => [])) ?? [];
      if (stats.some((s) => s.inbound.video.framesDecoded > 0))
        bench.firstDecodedAt = performance.now();
      else setTimeout(poll, 20);
    };
    setTimeout(poll, 20);
  });
  const handle = await agent.page.waitForFunction(
    () => {
      const bench = (
        window as unknown as {
          __bench: { acceptAt: number; firstFrameAt: number | null; firstDecodedAt: number | null };
        }
      ).__bench;
      if (bench.firstFrameAt === null || bench.firstDecodedAt === null) return null;
      const steps: Record<string, number> = {};
      for (const mark of performance.getEntriesByType('mark')) {
        const name = mark.name.replace(/^(switchboard:media:|bench:)/, '');
        steps[name] ??= mark.startTime - bench.acceptAt;
      }
      return {
        firstFrameMs: bench.firstFrameAt - bench.acceptAt,
        firstDecodedMs: bench.firstDecodedAt - bench.acceptAt,
        steps,
        acceptEpochMs: performance.timeOrigin + bench.acceptAt,
      };
    },
    undefined,
    { timeout: 30_000, polling: 50 },
  );
  const { acceptEpochMs, ...sample } = (await handle.jsonValue()) as Sample & {
    acceptEpochMs: number;
  };
  // The caller's side of the same call, on the same clock (both pages run on this machine).
  sample.callerSteps = await caller.page.evaluate((acceptEpoch) => {
    const steps: Record<string, number> = {};
    for (const mark of performance.getEntriesByType('mark')) {
      const name = mark.name.replace(/^(switchboard:media:|bench:)/, '');
      steps[name] ??= performance.timeOrigin + mark.startTime - acceptEpoch;
    }
    performance.clearMarks();
    return steps;
  }, acceptEpochMs);
  if (process.env.BENCH_TRACE) {
    for (const [who, tab] of [
      ['agent', agent],
      ['caller', caller],
    ] as const) {
      const trace = await tab.page.evaluate(() => {
        const t = (window as unknown as { __pcTrace: [number, string][] }).__pcTrace;
        return t.splice(0, t.length);
      });
      console.log(
        `    ${who}: ` +
          trace.map(([at, e]) => `${(at - acceptEpochMs).toFixed(0)} ${e}`).join(' | '),
      );
    }
  }
  await caller.page.locator('app-dial-box').getByRole('button', { name: 'Hang up' }).click();
  // Both sides out of the room and the agent free again before the next call.
  for (const tab of [agent, caller])
    await tab.page.waitForFunction(
      () =>
        (
          window as unknown as { __switchboardMedia?: { calls(): string[] } }
        ).__switchboardMedia?.calls().length === 0,
    );
  await agent.page.locator('app-active-call-panel .empty').waitFor({ timeout: 15_000 });
  await agent.page.waitForTimeout(300);
  return sample;
}

/** Streams this tab receives whose bytes grow (the other side's camera and microphone). */
async function inboundStreams(tab: Tab): Promise<number> {
  const read = () =>
    tab.page.evaluate(async () => {
      const hook = (
        window as unknown as {
          __switchboardMedia?: {
            stats(): Promise<
              { inbound: { video: { bytesReceived: number }; audio: { bytesReceived: number } } }[]
            >;
          };
        }
      ).__switchboardMedia;
      const [stats] = (await hook?.stats()) ?? [];
      return stats
        ? [stats.inbound.video.bytesReceived, stats.inbound.audio.bytesReceived]
        : [0, 0];
    });
  const before = await read();
  await tab.page.waitForTimeout(1_000);
  const after = await read();
  return after.filter((bytes, i) => bytes > before[i]).length;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  if (!process.env.BENCH_SKIP_BUILD) build();
  const server = await startServer();
  const pid = server.pid!;
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_BIN || '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const used = pairs.slice(0, Math.max(1, concurrentCalls));
    const tabs = [];
    for (const pair of used) {
      const agent = await signIn(browser, pair.agent);
      const caller = await signIn(browser, pair.caller);
      await comeOnline(agent);
      tabs.push({ agent, caller, address: pair.agentAddress });
    }
    // Give the prefetch (livekit-client, media components) time to land, as for a real agent.
    await tabs[0].agent.page.waitForTimeout(1_500);

    console.log(`\nAccept → first remote video frame, ${calls} calls:`);
    const samples: Sample[] = [];
    for (let i = 0; i < calls; i++) {
      const sample = await timeOneCall(tabs[0].agent, tabs[0].caller, tabs[0].address);
      samples.push(sample);
      const timeline = (steps: Record<string, number> = {}) =>
        Object.entries(steps)
          .filter(([name]) => name !== 'mark_feature_usage')
          .sort((a, b) => a[1] - b[1])
          .map(([name, at]) => `${name} ${at.toFixed(0)}`)
          .join(' · ');
      console.log(
        `  #${String(i + 1).padStart(2)} frame ${ms(sample.firstFrameMs)} (decoded ${ms(sample.firstDecodedMs)})` +
          `\n      agent:  ${timeline(sample.steps)}\n      caller: ${timeline(sample.callerSteps)}`,
      );
    }
    const frames = samples.map((s) => s.firstFrameMs).sort((a, b) => a - b);
    const decoded = samples.map((s) => s.firstDecodedMs).sort((a, b) => a - b);
    const median = percentile(frames, 50);
    const p95 = percentile(frames, 95);
    console.log(
      `  first frame painted: p50 ${ms(median)} · p95 ${ms(p95)} · min ${ms(frames[0])} · max ${ms(frames.at(-1)!)}  (target p50 < ${targetMedianMs} ms: ${median < targetMedianMs ? 'met' : 'MISSED'})`,
    );
    console.log(
      `  framesDecoded > 0:   p50 ${ms(percentile(decoded, 50))} · p95 ${ms(percentile(decoded, 95))}`,
    );

    console.log(`\nCPU of call control (embedded media server) per forwarded stream:`);
    const idle = await coreFraction(pid, 5_000);
    for (const { agent, caller, address } of tabs) {
      await dial(caller, address);
      await agent.page
        .locator('app-ringing-card:not(.ended)')
        .getByRole('button', { name: 'Accept' })
        .click();
    }
    for (const { agent, caller } of tabs)
      for (const tab of [agent, caller])
        await tab.page.locator('video.remote-video').waitFor({ timeout: 30_000 });
    await tabs[0].agent.page.waitForTimeout(3_000); // past the first keyframes and renegotiations
    const busy = await coreFraction(pid, cpuWindowMs);
    let forwarded = 0;
    for (const { agent, caller } of tabs)
      forwarded += (await inboundStreams(agent)) + (await inboundStreams(caller));
    const perStream = ((busy - idle) * 100) / forwarded;
    console.log(
      `  idle ${(idle * 100).toFixed(1)} % of a core · ${tabs.length} video calls, ${forwarded} forwarded streams: ${(busy * 100).toFixed(1)} % → ${perStream.toFixed(2)} % of a core per stream (over the idle)`,
    );
    for (const { caller } of tabs)
      await caller.page.locator('app-dial-box').getByRole('button', { name: 'Hang up' }).click();

    console.log(
      JSON.stringify({
        acceptToFirstFrameMs: {
          p50: median,
          p95,
          min: frames[0],
          max: frames.at(-1),
          samples: frames.length,
        },
        acceptToFramesDecodedMs: { p50: percentile(decoded, 50), p95: percentile(decoded, 95) },
        serverCpu: {
          idleCoreFraction: idle,
          busyCoreFraction: busy,
          forwardedStreams: forwarded,
          percentOfCorePerStream: perStream,
        },
      }),
    );
  } finally {
    await browser.close();
    process.kill(-pid, 'SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
