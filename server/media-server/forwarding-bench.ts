/**
 * CPU cost of forwarding in the embedded media server: P participants in Chromium each publish
 * camera and microphone, so the server forwards 2·P·(P−1) streams; then this process's CPU is
 * sampled while nothing else runs in it. Usage: `npx tsx server/media-server/forwarding-bench.ts [P…]`.
 */
import { measureForwardingCpu } from './cpu-meter.ts';
import { BrowserHarness, waitFor, type LivekitPage } from './test-support/browser-harness.ts';
import { joinToken, startTestServer } from './test-support/fixtures.ts';

const SETTLE_MS = 3_000;
const SAMPLE_MS = 5_000;

async function run(participantCount: number, browser: BrowserHarness) {
  const server = await startTestServer();
  const room = `bench-${participantCount}`;
  const pages: LivekitPage[] = await Promise.all(
    Array.from({ length: participantCount }, () => browser.openPage()),
  );
  try {
    await Promise.all(
      pages.map(async (page, index) => {
        const result = await page.call(
          'connect',
          server.url,
          await joinToken(room, `p${index}`),
          true,
        );
        if (result.error) throw new Error(result.error);
      }),
    );
    const expected = 2 * participantCount * (participantCount - 1);
    await waitFor(
      `${expected} forwarded streams`,
      () => server.stats().forwardedStreams === expected,
      30_000,
    );
    await waitFor(
      'video decoding everywhere',
      async () => {
        const stats = await Promise.all(
          pages.map((page, index) =>
            page.call('inbound', `p${(index + 1) % participantCount}`, 'video'),
          ),
        );
        return stats.every((s) => s.framesDecoded > 0);
      },
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const before = await pages[0].call('inbound', 'p1', 'video');
    const sample = await measureForwardingCpu(server, SAMPLE_MS);
    const after = await pages[0].call('inbound', 'p1', 'video');
    const videoKbps = ((after.bytesReceived - before.bytesReceived) * 8) / SAMPLE_MS;
    return { participants: participantCount, ...sample, videoKbpsPerStream: Math.round(videoKbps) };
  } finally {
    await Promise.all(pages.map((page) => page.close()));
    await server.close();
  }
}

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n >= 2);
const browser = await BrowserHarness.start();
try {
  for (const count of counts.length ? counts : [2, 3]) {
    const result = await run(count, browser);
    console.log(
      `${result.participants} participants, ${result.forwardedStreams} forwarded streams: ` +
        `${(result.coreFraction * 100).toFixed(1)} % of a core, ${result.percentPerStream.toFixed(2)} % per stream ` +
        `(video ≈ ${result.videoKbpsPerStream} kbit/s per stream)`,
    );
  }
} finally {
  await browser.close();
}
