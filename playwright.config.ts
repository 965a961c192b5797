import { defineConfig, devices } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './e2e/support/chromium-flags.ts';

/**
 * End-to-end: the real call-control server (embedded database in memory) serving a fresh
 * build of the console, driven through Debian's Chromium. Everything runs on 127.0.0.1.
 */
const port = Number(process.env.E2E_PORT ?? 3211);
/**
 * MEDIA_BACKEND=livekit: call control on a real livekit-server (free loopback ports, started and
 * stopped with it by scripts/start-livekit.ts) instead of the embedded media server.
 */
const livekit = process.env.MEDIA_BACKEND === 'livekit';
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.e2e.ts',
  // One server, one demo tenant: scenarios share agents, so they run one at a time.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Four Chromium contexts on a 2-core CI machine: generous, but a hang still fails.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: `playwright-report/${port}` }]]
    : 'list',
  // Per port, so two runs on one machine (E2E_PORT=…) do not wipe each other's results.
  outputDir: `test-results/${port}${livekit ? '-livekit' : ''}`,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    permissions: ['notifications', 'microphone', 'camera'],
    ...devices['Desktop Chrome'],
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumFlags,
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    // A development build keeps NgRx's runtime checks (serializability, immutability) on.
    command: `npx ng build --configuration development --output-path dist/e2e-console-${port} && ${
      livekit ? 'npx tsx scripts/start-livekit.ts --server-only' : 'npx tsx server/main.ts'
    }`,
    // start-livekit stops its livekit-server on SIGTERM (a SIGKILL would orphan it).
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    url: `${baseURL}/api/docs`,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: 'memory',
      CONSOLE_DIR: `dist/e2e-console-${port}/browser`,
      // The embedded media server on any free port, so a running `npm start` does not clash.
      MEDIA_PORT: '0',
      // Media files tests make for scripts and waiting audio (phone.e2e.ts), per run.
      SCRIPT_MEDIA_DIR: `.data/e2e-media-${port}`,
      LOG_LEVEL: 'warn',
      NG_CLI_ANALYTICS: 'false',
    },
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
