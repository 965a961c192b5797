/**
 * `npx tsx tools/livekit/check.ts`: used by scripts/test-all.mjs before the real-LiveKit suites.
 * Builds bin/livekit-server when it is missing or stale and Go is here; prints why the suites
 * must skip (and exits 2) when there is neither a usable binary nor Go.
 */
import { buildLivekitServer, findGo, livekitServerStaleReason } from './build.ts';

const stale = livekitServerStaleReason();
if (stale && !findGo()) {
  console.log(`${stale} and Go is not installed (npm run livekit:build needs Go 1.26)`);
  process.exit(2);
}
if (stale) {
  try {
    buildLivekitServer((line) => console.error(line));
  } catch (error) {
    console.log(`livekit:build failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
