/**
 * `npm run start:livekit`: the whole product on a real livekit-server. Builds bin/livekit-server
 * if needed (Go), starts it on loopback (ports 7880 signalling, 7881 ICE/TCP, 7882 ICE/UDP unless
 * LIVEKIT_PORT/LIVEKIT_TCP_PORT/LIVEKIT_UDP_PORT say otherwise) with a key pair generated now and
 * its webhooks pointed at call control, then `npm start` (call control + the console dev server)
 * with LIVEKIT_URL and the key pair. One Ctrl-C stops everything.
 *
 * Phones: when LiveKit SIP can run here (built by `npm run sip:build`: Go, cgo and Debian's
 * libopus-dev, libopusfile-dev, libsoxr-dev, pkg-config), a private redis-server joins
 * livekit-server (Redis mode) and LiveKit SIP (SIP on 127.0.0.1:5060 unless SIP_PORT says
 * otherwise, or a free port if that is taken), call control gets LIVEKIT_SIP_URI, the demo
 * tenant's number +1 415 555 0100 is routed to its support group, and the SIP address to call is
 * printed (and saved for `npm run softphone`). Without it, everything else runs as before.
 *
 * `--server-only` starts call control alone (serving CONSOLE_DIR) instead of `npm start`, with
 * livekit-server on free ports: Playwright's web server when MEDIA_BACKEND=livekit.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startLivekitServer } from '../tools/livekit/livekit-server.ts';
import {
  livekitSipUnavailable,
  startLivekitSip,
  type LivekitSip,
} from '../tools/livekit-sip/livekit-sip.ts';
import { freeTcpAndUdpPort } from '../tools/ports.ts';
import {
  redisServerUnavailable,
  startRedisServer,
  type RedisServer,
} from '../tools/redis/redis-server.ts';
import { SIP_ADDRESS_FILE } from '../tools/softphone/sip-address.ts';
import { DEMO_API_KEY } from '../server/seed.ts';

/** The demo tenant's phone number, routed to its support group. */
const DEMO_NUMBER = '+14155550100';

const serverOnly = process.argv.includes('--server-only');
const apiPort = process.env.PORT ?? '3000';
const port = (name: string, fallback: number) =>
  serverOnly ? undefined : Number(process.env[name] ?? fallback);

const sipUnavailable = redisServerUnavailable() ?? livekitSipUnavailable();
if (sipUnavailable) console.log(`[start:livekit] no phones: ${sipUnavailable}`);
const redis: RedisServer | undefined = sipUnavailable ? undefined : await startRedisServer();

const livekit = await startLivekitServer({
  webhookUrls: [`http://127.0.0.1:${apiPort}/api/livekit/webhook`],
  redisAddress: redis?.address,
  ports: {
    signal: port('LIVEKIT_PORT', 7880),
    tcp: port('LIVEKIT_TCP_PORT', 7881),
    udp: port('LIVEKIT_UDP_PORT', 7882),
  },
});
console.log(
  `[start:livekit] livekit-server (pid ${livekit.pid}) on ${livekit.url}, ICE tcp ${livekit.ports.tcp} / udp ${livekit.ports.udp} on 127.0.0.1, ` +
    `API key ${livekit.apiKey}, webhooks to http://127.0.0.1:${apiPort}/api/livekit/webhook`,
);

let sip: LivekitSip | undefined;
if (redis) {
  const wanted = serverOnly ? await freeTcpAndUdpPort() : Number(process.env.SIP_PORT ?? 5060);
  try {
    sip = await startLivekitSip({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      redisAddress: redis.address,
      sipPort: wanted,
      // One machine shared with builds and browsers: never refuse a call for CPU load.
      maxCpuUtilization: 1,
    });
  } catch (error) {
    // 5060 may be another SIP service's: take any free port rather than no phones.
    console.log(`[start:livekit] LiveKit SIP could not use port ${wanted}; trying a free one`);
    sip = await startLivekitSip({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      redisAddress: redis.address,
      sipPort: await freeTcpAndUdpPort(),
      maxCpuUtilization: 1,
    }).catch((again: Error) => {
      console.log(
        `[start:livekit] no phones: ${again.message.split('\n')[0]} (${(error as Error).message.split('\n')[0]})`,
      );
      return undefined;
    });
  }
  if (sip) {
    mkdirSync('.data', { recursive: true });
    writeFileSync(SIP_ADDRESS_FILE, `${sip.sipAddress}\n`);
  }
}

// Not detached: Ctrl-C (or Playwright stopping its web server) reaches it with this process.
const child = serverOnly
  ? spawn('npx', ['tsx', 'server/main.ts'], { stdio: 'inherit', env: livekitEnv() })
  : spawn(process.execPath, ['scripts/start.mjs'], { stdio: 'inherit', env: livekitEnv() });
console.log(
  `[start:livekit] ${serverOnly ? 'call control' : 'npm start (call control + console)'} (pid ${child.pid}) with LIVEKIT_URL=${livekit.url}`,
);

function livekitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: apiPort,
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: livekit.apiKey,
    LIVEKIT_API_SECRET: livekit.apiSecret,
    ...(sip
      ? { LIVEKIT_SIP_URI: `sip:${sip.sipAddress}`, SIP_INBOUND_ALLOWED_ADDRESSES: '127.0.0.1/32' }
      : {}),
  };
}

/**
 * Once call control answers, the demo tenant's number goes to its support group (through the
 * API, like an admin would; a number it already has is left as it is).
 */
async function provisionDemoNumber(): Promise<void> {
  const api = `http://127.0.0.1:${apiPort}/api`;
  const headers = { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const groups = await fetch(`${api}/ring-groups`, { headers });
      if (groups.ok) {
        const body = (await groups.json()) as { ringGroups?: { id: string; name: string }[] };
        const support = (body.ringGroups ?? []).find((group) => group.name === 'support');
        // The demo seed may still be running: ask again.
        if (!support) throw new Error('no support group yet');
        const created = await fetch(`${api}/phone-numbers`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            number: DEMO_NUMBER,
            label: 'Demo support line',
            destination: { type: 'group', ringGroupId: support.id },
          }),
        });
        if (!created.ok && created.status !== 409)
          return console.log(
            `[start:livekit] could not add the demo number: ${created.status} ${await created.text()}`,
          );
        console.log(
          `[start:livekit] phones: LiveKit SIP (pid ${sip!.pid}) at sip:${sip!.sipAddress}; the demo number ${DEMO_NUMBER} rings /group/support.\n` +
            `[start:livekit] call it from a SIP phone at sip:${DEMO_NUMBER}@${sip!.sipAddress}, or: npm run softphone -- ${DEMO_NUMBER}`,
        );
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log('[start:livekit] the demo tenant has no support group; no demo number');
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await sip?.stop();
  await livekit.stop();
  await redis?.stop();
  console.log(
    `[start:livekit] livekit-server${sip ? ', LiveKit SIP and their redis-server' : ''} stopped`,
  );
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
child.on('exit', (code, signal) => {
  if (!stopping)
    console.error(
      `[start:livekit] ${serverOnly ? 'call control' : 'npm start'} exited (${signal ?? code}); stopping livekit-server.`,
    );
  void stop(code ?? 0);
});

if (sip) void provisionDemoNumber();
