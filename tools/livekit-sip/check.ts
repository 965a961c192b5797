/**
 * `npx tsx tools/livekit-sip/check.ts`: used by scripts/test-all.mjs before the phone suite.
 * Builds bin/livekit-sip (and bin/livekit-server) when missing or stale and the machine can;
 * prints why the phone suite must skip (and exits 2) when it cannot: no redis-server, no Go,
 * or no cgo libraries.
 */
import { buildLivekitServer, findGo, livekitServerStaleReason } from '../livekit/build.ts';
import { redisServerUnavailable } from '../redis/redis-server.ts';
import { buildLivekitSip, livekitSipStaleReason, sipBuildUnavailable } from './build.ts';

const missingRedis = redisServerUnavailable();
if (missingRedis) {
  console.log(missingRedis);
  process.exit(2);
}
const sipStale = livekitSipStaleReason();
const cannotBuild = sipStale && sipBuildUnavailable();
if (cannotBuild) {
  console.log(`${sipStale} and ${cannotBuild}`);
  process.exit(2);
}
const serverStale = livekitServerStaleReason();
if (serverStale && !findGo()) {
  console.log(`${serverStale} and Go is not installed (npm run livekit:build needs Go 1.26)`);
  process.exit(2);
}
try {
  if (serverStale) buildLivekitServer((line) => console.error(line));
  if (sipStale) buildLivekitSip((line) => console.error(line));
} catch (error) {
  console.log(`building the phone stack failed: ${(error as Error).message}`);
  process.exit(1);
}
