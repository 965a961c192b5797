/**
 * A real LiveKit SIP service (bin/livekit-sip, see build.ts) on free loopback ports, joined to
 * a livekit-server through their shared Redis. For node:test files, Playwright's web server,
 * the SIP bench and `npm run start:livekit`.
 *
 *   const sip = await startLivekitSip({ livekitUrl, apiKey, apiSecret, redisAddress });
 *   sip.sipAddress;        // "127.0.0.1:<port>": where phones send their INVITEs (UDP or TCP)
 *   await sip.stop();      // SIGTERM to its process group, SIGKILL after 5 s
 *
 * On one machine the service must announce 127.0.0.1 (`nat_1_to_1_ip`): its own address
 * detection skips loopback interfaces, and a phone must be sent the address it can reach in
 * SDP and Contact headers. `LIVEKIT_SIP_LOG=1` streams its log to stderr; otherwise the last
 * lines are kept and attached to a start failure. `livekitSipUnavailable()` says why a machine
 * cannot run one (no binary and no way to build it), for a visible skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpAndUdpPort, freeUdpPortRange, killProcessGroup } from '../ports.ts';
import {
  buildLivekitSip,
  livekitSipPath,
  livekitSipStaleReason,
  pinnedSipVersion,
  sipBuildUnavailable,
} from './build.ts';

export interface LivekitSip {
  /** "127.0.0.1:<port>": the SIP signalling address (UDP and TCP). */
  sipAddress: string;
  sipPort: number;
  rtpPorts: { start: number; end: number };
  pid: number;
  configYaml: string;
  recentLog(): string;
  stop(): Promise<void>;
}

export interface StartLivekitSipOptions {
  /** The livekit-server it joins rooms on (ws://…). */
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The Redis that livekit-server uses too ("host:port"). */
  redisAddress: string;
  /** Fixed SIP port (start:livekit); unset picks a free one. */
  sipPort?: number;
  /** How many RTP ports (two per call); default 100. */
  rtpPortCount?: number;
  /** A call whose phone sends no RTP for this long ends (LiveKit SIP's default is 15 s). */
  mediaTimeoutSeconds?: number;
  /**
   * LiveKit SIP refuses calls ("cpu exhausted") while the machine's CPU is busier than this
   * fraction (its default 0.9). The test fixture shares a small machine with builds and
   * browsers, so it passes 1: never refuse for load.
   */
  maxCpuUtilization?: number;
  /** Build bin/livekit-sip first if missing or stale (needs Go and the cgo libraries). Default true. */
  build?: boolean;
}

/** Why this machine cannot run LiveKit SIP now, or undefined when it can. */
export function livekitSipUnavailable(): string | undefined {
  const stale = livekitSipStaleReason();
  if (!stale) return undefined;
  const cannotBuild = sipBuildUnavailable();
  return cannotBuild ? `${stale} and ${cannotBuild}` : undefined;
}

export interface LivekitSipConfigOptions {
  apiKey: string;
  apiSecret: string;
  livekitUrl: string;
  redisAddress: string;
  sipPort: number;
  rtpPorts: { start: number; end: number };
  /** The address it listens on and announces to phones. */
  ip: string;
  mediaTimeoutSeconds?: number;
  maxCpuUtilization?: number;
}

/** The LiveKit SIP config Switchboard runs it with (one machine: listen on and announce `ip`). */
export function livekitSipConfigYaml(options: LivekitSipConfigOptions): string {
  return [
    `api_key: ${options.apiKey}`,
    `api_secret: ${options.apiSecret}`,
    `ws_url: ${options.livekitUrl}`,
    'redis:',
    `  address: ${options.redisAddress}`,
    `sip_port: ${options.sipPort}`,
    `rtp_port: ${options.rtpPorts.start}-${options.rtpPorts.end}`,
    `listen_ip: ${options.ip}`,
    `nat_1_to_1_ip: ${options.ip}`,
    // Both windows: before the first RTP packet LiveKit SIP waits `media_timeout_initial` (its
    // default 30 s), after it `media_timeout`.
    ...(options.mediaTimeoutSeconds
      ? [
          `media_timeout: ${options.mediaTimeoutSeconds}s`,
          `media_timeout_initial: ${options.mediaTimeoutSeconds}s`,
        ]
      : []),
    ...(options.maxCpuUtilization ? [`max_cpu_utilization: ${options.maxCpuUtilization}`] : []),
    'logging:',
    '  level: info',
    '',
  ].join('\n');
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killProcessGroup(child, 'SIGKILL');
});

export async function startLivekitSip(options: StartLivekitSipOptions): Promise<LivekitSip> {
  if ((options.build ?? true) && livekitSipStaleReason())
    buildLivekitSip((line) => process.stderr.write(`${line}\n`));
  const sipPort = options.sipPort ?? (await freeTcpAndUdpPort());
  const rtpPorts = await freeUdpPortRange(options.rtpPortCount ?? 100);
  const configYaml = livekitSipConfigYaml({
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    livekitUrl: options.livekitUrl,
    redisAddress: options.redisAddress,
    sipPort,
    rtpPorts,
    ip: '127.0.0.1',
    mediaTimeoutSeconds: options.mediaTimeoutSeconds,
    maxCpuUtilization: options.maxCpuUtilization,
  });
  // The config carries the API secret: readable by this user only.
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-livekit-sip-'));
  const configPath = join(dir, 'sip.yaml');
  writeFileSync(configPath, configYaml, { mode: 0o600 });
  const child = spawn(livekitSipPath, ['--config', configPath], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const logLines: string[] = [];
  const keepLog = (chunk: Buffer) => {
    if (process.env.LIVEKIT_SIP_LOG) process.stderr.write(chunk);
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (logLines.length > 300) logLines.splice(0, logLines.length - 300);
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
    killProcessGroup(child, 'SIGTERM');
    const killer = setTimeout(() => killProcessGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitUntilListening(sipPort, exited);
  } catch (error) {
    await stop();
    throw new Error(
      `livekit-sip ${pinnedSipVersion()} did not start: ${(error as Error).message}\n${logLines.slice(-30).join('\n')}`,
      { cause: error },
    );
  }
  return {
    sipAddress: `127.0.0.1:${sipPort}`,
    sipPort,
    rtpPorts,
    pid: child.pid!,
    configYaml,
    recentLog: () => logLines.join('\n'),
    stop,
  };
}

/** Its SIP TCP listener accepts connections once the service is up. */
async function waitUntilListening(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('it exited');
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('it did not listen on its SIP port within 30 s');
}
