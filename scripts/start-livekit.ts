/**
 * `npm run start:livekit`: the whole product on a real livekit-server. Builds bin/livekit-server
 * if needed (Go), starts it on loopback (ports 7880 signalling, 7881 ICE/TCP, 7882 ICE/UDP unless
 * LIVEKIT_PORT/LIVEKIT_TCP_PORT/LIVEKIT_UDP_PORT say otherwise) with a key pair generated now and
 * its webhooks pointed at call control, then `npm start` (call control + the console dev server)
 * with LIVEKIT_URL and the key pair. One Ctrl-C stops everything.
 *
 * `--server-only` starts call control alone (serving CONSOLE_DIR) instead of `npm start`, with
 * livekit-server on free ports: Playwright's web server when MEDIA_BACKEND=livekit.
 */
import { spawn } from 'node:child_process';
import { startLivekitServer } from '../tools/livekit/livekit-server.ts';

const serverOnly = process.argv.includes('--server-only');
const apiPort = process.env.PORT ?? '3000';
const port = (name: string, fallback: number) =>
  serverOnly ? undefined : Number(process.env[name] ?? fallback);

const livekit = await startLivekitServer({
  webhookUrls: [`http://127.0.0.1:${apiPort}/api/livekit/webhook`],
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
  };
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await livekit.stop();
  console.log('[start:livekit] livekit-server stopped');
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
