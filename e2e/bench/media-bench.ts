/**
 * `npm run bench:media`: what media costs, measured on the real thing.
 *
 * 1. Accept → first remote video frame: over BENCH_CALLS (20) calls between two consoles with
 *    video on, the time from the agent's Accept click to the first frame of the caller's video
 *    painted in the agent's remote `<video>` (requestVideoFrameCallback), measured in the page.
 *    Also when `framesDecoded` first reads > 0, and a breakdown from the console's User Timing
 *    marks (call_media frame, room connected, tracks published, remote media).
 * 2. CPU per forwarded stream: the media server's CPU while BENCH_CONCURRENT_CALLS (2) video
 *    calls forward their streams, minus its idle CPU, divided by the number of forwarded streams
 *    (each side's camera and microphone to the other side: 4 per call, counted from the
 *    receivers' stats). The media server is the embedded one's thread (`media-server`, in call
 *    control's process) or the livekit-server process.
 *
 * Both servers are measured in one run on the same calls (BENCH_BACKENDS, default
 * `embedded,livekit`; the real one skips with a line where it cannot run): call control
 * (in-memory database) with the embedded media server on a free port, then with a real
 * livekit-server (tools/livekit) on free loopback ports, each driven by Debian's Chromium with
 * fake devices. Prints each run, the two side by side with the ratio embedded/real, and one JSON
 * line for machines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumFlags, chromiumPath } from '../support/chromium-flags.ts';
import {
  livekitServerUnavailable,
  startLivekitServer,
} from '../../tools/livekit/livekit-server.ts';

type Backend = 'embedded' | 'livekit';
const backends = (process.env.BENCH_BACKENDS ?? 'embedded,livekit')
  .split(',')
  .map((name) => name.trim()) as Backend[];
/** Target of the embedded server's CPU per stream, as a multiple of the real livekit-server's. */
const targetCpuRatio = 1.5;

const root = path.resolve(import.meta.dirname, '../..');
const outputPath = path.resolve(root, process.env.BENCH_DIST ?? 'dist/bench-media');
const port = Number(process.env.BENCH_PORT ?? 3292);
const baseURL = `http://127.0.0.1:${port}`;
const calls = Number(process.env.BENCH_CALLS ?? 20);
const concurrentCalls = Number(process.env.BENCH_CONCURRENT_CALLS ?? 2);
const cpuWindowMs = Number(process.env.BENCH_CPU_WINDOW_MS ?? 10_000);
/**
 * How long each call rings before the agent clicks Accept. A person needs at least a second to
 * see a ringing card and click it, and the caller's tab uses that time to join the call's room
 * and publish (see server/media-server/README.md, "Latency"); 0 measures an instant Accept.
 */
const ringMs = Number(process.env.BENCH_RING_MS ?? 1_000);
const targetMedianMs = 500;

/** Agent ← caller pairs; the first one also runs the latency loop. */
const pairs = [
  { agent: 'ada@demo.test', agentAddress: '/private/ada', caller: 'katherine@demo.test' },
  { agent: 'grace@demo.test', agentAddress: '/private/grace', caller: 'alan@demo.test' },
  { agent: 'sam@demo.test', agentAddress: '/private/sam', caller: 'admin@demo.test' },
];

function build(): void {
  // Production, plus the `window.__switchboardMedia` figures this bench reads.
  console.log('building the console (production, with debug hooks)…');
  const result = spawnSync(
    'ng',
    ['build', '--configuration', 'production,debug-hooks', '--output-path', outputPath],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
    },
  );
  if (result.status !== 0) throw new Error('ng build failed');
}

/**
 * Everything the bench starts, each closed exactly once, last started first, whatever happened
 * before: a close that fails is reported and the others still run. `run()` may be called again
 * (a signal during teardown) and returns the same outcome.
 */
class Teardown {
  private readonly steps: { name: string; close: () => Promise<void> }[] = [];
  private outcome?: Promise<string[]>;

  add(name: string, close: () => Promise<void>): void {
    if (this.outcome) throw new Error(`${name} started after teardown began`);
    this.steps.push({ name, close });
  }

  /** Closes everything; resolves with what could not be closed, in words. */
  run(): Promise<string[]> {
    this.outcome ??= (async () => {
      const problems: string[] = [];
      for (const { name, close } of [...this.steps].reverse()) {
        try {
          await close();
        } catch (error) {
          problems.push(`closing ${name} failed: ${messageOf(error)}`);
        }
      }
      return problems;
    })();
    return this.outcome;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Call control, started by the bench; `stop()` is safe whether or not it is still running. */
interface CallControlProcess {
  pid: number;
  /** CPU seconds used so far by the media server (its thread, or livekit-server's process). */
  mediaCpuSeconds(): number;
  /** Why it exited (`code 1`, `SIGTERM`), or null while it runs. */
  exitedWith(): string | null;
  stop(): Promise<void>;
}

/** Signals call control's process group; a group that is already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Call control as its own process (not tsx's wrapper), so its pid is the one to measure. It
 * runs in its own process group; stopping it sends SIGTERM to the group (a graceful shutdown:
 * the media server closes its rooms and posts its last webhooks), then SIGKILL after 15 s.
 * An exit the bench did not ask for is reported at once (its stderr is inherited).
 */
async function startServer(teardown: Teardown, backend: Backend): Promise<CallControlProcess> {
  let livekitEnv: NodeJS.ProcessEnv = {};
  let livekitPid: number | undefined;
  if (backend === 'livekit') {
    const livekit = await startLivekitServer({ webhookUrls: [`${baseURL}/api/livekit/webhook`] });
    teardown.add('livekit-server', () => livekit.stop());
    livekitPid = livekit.pid;
    livekitEnv = {
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
    };
  }
  const server = spawnServer(livekitEnv);
  const pid = server.pid;
  if (pid === undefined) throw new Error('call control did not start (no pid)');
  let exitReason: string | null = null;
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    server.once('exit', (code, signal) => {
      exitReason = signal ?? `code ${code}`;
      if (!stopping) console.error(`call control exited unexpectedly (${exitReason})`);
      resolve();
    }),
  );
  const control: CallControlProcess = {
    pid,
    mediaCpuSeconds: () =>
      livekitPid !== undefined ? cpuSeconds(livekitPid) : threadCpuSeconds(pid, 'media-server'),
    exitedWith: () => exitReason,
    async stop() {
      stopping = true;
      const startedAt = performance.now();
      // The group may outlive its leader (or be gone already): signal it either way.
      signalGroup(pid, 'SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        sleep(15_000).then(() => false),
      ]);
      if (!stopped) {
        signalGroup(pid, 'SIGKILL');
        await Promise.race([exited, sleep(2_000)]);
        throw new Error('call control did not exit within 15 s of SIGTERM and was killed');
      }
      const stoppedInMs = performance.now() - startedAt;
      if (stoppedInMs > 2_000) console.log(`(call control took ${ms(stoppedInMs)} to shut down)`);
    },
  };
  teardown.add('call control', () => control.stop());
  for (let i = 0; i < 120; i++) {
    const exited = control.exitedWith();
    if (exited) throw new Error(`call control exited during startup (${exited})`);
    try {
      if ((await fetch(`${baseURL}/api/docs`)).ok) return control;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error('call control did not start within 60 s');
}

function spawnServer(livekitEnv: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
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
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      // Calls follow each other to the same agent: no after-call work between them.
      WRAP_UP_SECONDS: '0',
      ...livekitEnv,
    },
  });
}

/** User + system CPU seconds of a process (or, with `task`, one of its threads) so far, from /proc (Linux). */
function cpuSeconds(pid: number, task?: string): number {
  const stat = readFileSync(task ? `/proc/${pid}/task/${task}/stat` : `/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** CPU seconds of the thread of `pid` named `name` (Node names a worker's thread after it). */
function threadCpuSeconds(pid: number, name: string): number {
  const task = readdirSync(`/proc/${pid}/task`).find(
    (tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name,
  );
  if (!task) throw new Error(`call control (pid ${pid}) has no thread named ${name}`);
  return cpuSeconds(pid, task);
}

async function coreFraction(cpu: () => number, ms: number): Promise<number> {
  const start = cpu();
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpu() - start) / ((performance.now() - startedAt) / 1000);
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
  // The session socket (call.accept out, call_media in) and livekit-client's signal socket
  // (`/rtc`: opened by room.connect(), its first message is the join response).
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const signal = new URL(String(url), location.href).pathname.endsWith('/rtc');
      if (signal) performance.mark('bench:signal-open');
      let first = true;
      this.addEventListener('message', (event: MessageEvent) => {
        if (signal && first) performance.mark('bench:join-response');
        first = false;
        if (typeof event.data === 'string' && event.data.includes('"call_media"'))
          performance.mark('bench:call_media');
      });
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      if (typeof data === 'string' && data.includes('"call.accept"'))
        performance.mark('bench:accept-sent');
      super.send(data);
    }
  };
  // livekit-client's two PeerConnections: the subscriber one is offered by the server, the
  // publisher one offers. Marks when each connects (ICE + DTLS) and when a remote track lands.
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    private role = 'pc';
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') performance.mark(`bench:${this.role}-connected`);
      });
      this.addEventListener('track', (event) =>
        performance.mark(`bench:track-${event.track.kind}`),
      );
    }
    override setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      if (description?.type === 'offer') this.role = 'publisher';
      return super.setLocalDescription(description);
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (description.type === 'offer') this.role = 'subscriber';
      return super.setRemoteDescription(description);
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
  // The desk for every role (supervisors and admins otherwise land on their own pages).
  await page.goto(`${baseURL}/sign-in?returnUrl=%2F`);
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

/** The caller's panel of the call it placed (the centre of its console). */
function callerCall(caller: Tab) {
  return caller.page.locator('app-caller-call-panel');
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

/** One call: dial, ring for `ringMs`, Accept (clicked in the page, timed there), first frame, hang up. */
async function timeOneCall(agent: Tab, caller: Tab, address: string): Promise<Sample> {
  // The caller's marks of this call only (the last call's late tracks land after its readout).
  await caller.page.evaluate(() => performance.clearMarks());
  await dial(caller, address);
  await agent.page
    .locator('app-ringing-card:not(.ended)')
    .getByRole('button', { name: 'Accept' })
    .waitFor({ state: 'visible', timeout: 15_000 });
  await agent.page.waitForTimeout(ringMs);
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
      else setTimeout(() => void poll(), 20);
    };
    setTimeout(() => void poll(), 20);
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
      steps['frame-decoded'] = bench.firstDecodedAt - bench.acceptAt;
      steps['frame-painted'] = bench.firstFrameAt - bench.acceptAt;
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
  await callerCall(caller).getByRole('button', { name: 'Hang up' }).click();
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

/** Steps in the order they happen, agent's first: names as the marks are printed. */
function medianSteps(perCall: Record<string, number>[]): Record<string, number> {
  const names = new Set(perCall.flatMap((steps) => Object.keys(steps)));
  names.delete('mark_feature_usage');
  const medians: [string, number][] = [];
  for (const name of names) {
    const values = perCall
      .map((steps) => steps[name])
      .filter((value): value is number => value !== undefined)
      .sort((a, b) => a - b);
    // A step seen in fewer than half the calls is noise (a renegotiation, a retry).
    if (values.length * 2 >= perCall.length) medians.push([name, percentile(values, 50)]);
  }
  return Object.fromEntries(medians.sort((a, b) => a[1] - b[1]));
}

const formatSteps = (steps: Record<string, number>) =>
  Object.entries(steps)
    .map(([name, at]) => `${name} ${at.toFixed(0)}`)
    .join(' · ');

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number) => `${value.toFixed(0)} ms`;

interface BackendResult {
  backend: Backend;
  p50: number;
  p95: number;
  percentOfCorePerStream: number;
}

async function measure(teardown: Teardown, backend: Backend): Promise<BackendResult> {
  console.log(
    `\n===== ${backend === 'embedded' ? 'embedded media server' : 'livekit-server'} =====`,
  );
  const { mediaCpuSeconds } = await startServer(teardown, backend);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: chromiumFlags,
  });
  teardown.add('Chromium', async () => {
    if (browser.isConnected()) await browser.close();
  });
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

  console.log(
    `\nAccept → first remote video frame, ${calls} calls, each ringing ${ringMs} ms before Accept (BENCH_RING_MS):`,
  );
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
  const breakdown = {
    agent: medianSteps(samples.map((s) => s.steps)),
    caller: medianSteps(samples.map((s) => s.callerSteps ?? {})),
  };
  console.log(
    `\nWhere the time goes (p50 of each step over ${samples.length} calls, ms after the agent's Accept click;` +
      `\nnegative: before it, i.e. while the call rang):`,
  );
  for (const [who, steps] of Object.entries(breakdown))
    console.log(`  ${who.padEnd(6)} ${formatSteps(steps)}`);
  const pass = median < targetMedianMs;
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  console.log(
    `\nAccept → first remote video frame painted: p50 ${ms(median)} · p95 ${ms(p95)} · min ${ms(frames[0])} · max ${ms(frames.at(-1)!)}`,
  );
  console.log(
    `Accept → framesDecoded > 0 (polled every 20 ms): p50 ${ms(percentile(decoded, 50))} · p95 ${ms(percentile(decoded, 95))}`,
  );
  console.log(
    `${pass ? 'PASS' : 'FAIL'}: p50 ${ms(median)} ${pass ? '<' : '≥'} target ${targetMedianMs} ms  (Accept after ${ringMs} ms of ringing; load average ${load} on ${availableParallelism()} cores)`,
  );

  console.log(
    `\nCPU of the media server (${backend === 'embedded' ? "the embedded server's thread" : 'the livekit-server process'}) per forwarded stream:`,
  );
  const idle = await coreFraction(mediaCpuSeconds, 5_000);
  for (const { agent, caller, address } of tabs) {
    await dial(caller, address);
    await agent.page
      .locator('app-ringing-card:not(.ended)')
      .getByRole('button', { name: 'Accept' })
      .click();
  }
  for (const { agent, caller } of tabs)
    for (const tab of [agent, caller])
      await tab.page
        .locator('video.remote-video')
        .waitFor({ timeout: 30_000 })
        .catch((error: unknown) => {
          throw new Error(`${tab.name} shows no remote video: ${messageOf(error)}`);
        });
  await tabs[0].agent.page.waitForTimeout(3_000); // past the first keyframes and renegotiations
  const busy = await coreFraction(mediaCpuSeconds, cpuWindowMs);
  let forwarded = 0;
  for (const { agent, caller } of tabs)
    forwarded += (await inboundStreams(agent)) + (await inboundStreams(caller));
  const perStream = ((busy - idle) * 100) / forwarded;
  console.log(
    `  idle ${(idle * 100).toFixed(1)} % of a core · ${tabs.length} video calls, ${forwarded} forwarded streams (of ${tabs.length * 4}): ${(busy * 100).toFixed(1)} % → ${perStream.toFixed(2)} % of a core per stream (over the idle)`,
  );
  // A call may have ended on its own meanwhile (a starved machine can lose a PeerConnection):
  // say so, since the streams counted above are then fewer than 4 per call.
  for (const [index, { caller }] of tabs.entries()) {
    const hangUp = callerCall(caller).getByRole('button', { name: 'Hang up' });
    if (await hangUp.isEnabled()) await hangUp.click();
    else
      console.log(
        `  (call ${index + 1} had ended before its hang-up: "${await callerCall(caller).locator('.outgoing-status').textContent()}")`,
      );
  }

  console.log(
    JSON.stringify({
      backend,
      targetP50Ms: targetMedianMs,
      ringMs,
      pass,
      loadAverage: loadavg(),
      cores: availableParallelism(),
      breakdownP50Ms: breakdown,
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
  return { backend, p50: median, p95, percentOfCorePerStream: perStream };
}

/** The two servers side by side, and whether the embedded one meets its targets. */
function compare(results: BackendResult[]): void {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  console.log(
    `\n===== side by side (load average ${load} on ${availableParallelism()} cores) =====`,
  );
  const column = (text: string) => text.padStart(12);
  console.log(`${''.padEnd(40)}${results.map((r) => column(r.backend)).join('')}`);
  const row = (name: string, value: (r: BackendResult) => string) =>
    console.log(`${name.padEnd(40)}${results.map((r) => column(value(r))).join('')}`);
  row('Accept → first frame painted, p50', (r) => ms(r.p50));
  row('Accept → first frame painted, p95', (r) => ms(r.p95));
  row('CPU per forwarded stream (% of a core)', (r) => `${r.percentOfCorePerStream.toFixed(2)} %`);
  const embedded = results.find((r) => r.backend === 'embedded');
  const real = results.find((r) => r.backend === 'livekit');
  for (const r of results)
    console.log(
      `${r.p50 < targetMedianMs ? 'PASS' : 'FAIL'}: ${r.backend} first frame p50 ${ms(r.p50)} (target < ${targetMedianMs} ms)`,
    );
  if (embedded && real) {
    const ratio = embedded.percentOfCorePerStream / real.percentOfCorePerStream;
    console.log(
      `${ratio <= targetCpuRatio ? 'PASS' : 'FAIL'}: CPU per stream embedded/real = ${ratio.toFixed(2)} (target ≤ ${targetCpuRatio})`,
    );
    console.log(
      JSON.stringify({
        sideBySide: results,
        cpuRatioEmbeddedToReal: ratio,
        loadAverage: loadavg(),
      }),
    );
  }
}

/**
 * Measures, then closes what it started whatever happened: the figures are printed as they are
 * measured, so a teardown problem is reported after them and never hides them. Exits 1 when the
 * measurement or the teardown failed (a missed target is a figure, not a failure: see PASS/FAIL).
 */
/** What the run in progress started (one server's run at a time). */
let current = new Teardown();

async function main(): Promise<number> {
  const report = (problems: string[]) => {
    for (const problem of problems) console.error(`teardown: ${problem}`);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: closing what the bench started…`);
      void current
        .run()
        .then(report, () => undefined)
        .finally(() => process.exit(130));
    });
  }
  let failed = false;
  const problems: string[] = [];
  const results: BackendResult[] = [];
  try {
    if (!process.env.BENCH_SKIP_BUILD) build();
  } catch (error) {
    console.error(error);
    return 1;
  }
  for (const backend of backends) {
    const unavailable = backend === 'livekit' ? livekitServerUnavailable() : undefined;
    if (unavailable) {
      console.log(`\n===== livekit-server: skipped (${unavailable}) =====`);
      continue;
    }
    // Each server gets its own run of call control and Chromium, closed before the next starts.
    current = new Teardown();
    try {
      results.push(await measure(current, backend));
    } catch (error) {
      failed = true;
      console.error(error);
    }
    problems.push(...(await current.run()));
  }
  report(problems);
  if (results.length) compare(results);
  return failed || problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
