/**
 * How every test and benchmark starts Debian's Chromium (Playwright never downloads one).
 * Shared by playwright.config.ts, the media server's livekit-client tests and the benches, so a
 * flag this machine needs is added once.
 */
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  // This machine's network is closed: Chromium's own background calls would only fail.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Fake camera (a moving pattern) and microphone (a beep), granted without a prompt.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // The embedded media server may offer only 127.0.0.1 ICE candidates in a sandbox.
  '--allow-loopback-in-peer-connection',
  // Hidden tabs must keep their timers: several agents share one browser here.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Debian's Chromium unless CHROME_BIN says otherwise. */
export const chromiumPath = process.env.CHROME_BIN || '/usr/bin/chromium';
