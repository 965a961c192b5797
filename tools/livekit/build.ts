/**
 * `npm run livekit:build`: builds the pinned livekit-server (tools/livekit/go.mod's `tool`
 * directive) into bin/livekit-server with Go, CGO off. The binary carries a stamp of the pin
 * (a hash of go.mod and go.sum), so it is rebuilt only when the pin changes; Go's own build
 * cache makes a rebuild of unchanged modules quick.
 *
 * Also imported by the livekit-server fixture, to tell a test run why it cannot use one.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(moduleDir, '..', '..');
export const livekitServerPath = join(repoRoot, 'bin', 'livekit-server');
const stampPath = `${livekitServerPath}.stamp`;
const TOOL_PACKAGE = 'github.com/livekit/livekit-server/cmd/server';

/** The pinned release, as go.mod requires it (e.g. "v1.13.5"). */
export function pinnedLivekitVersion(): string {
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  const match = /github\.com\/livekit\/livekit-server (v\S+)/.exec(goMod);
  if (!match)
    throw new Error('tools/livekit/go.mod does not require github.com/livekit/livekit-server');
  return match[1];
}

function pinHash(): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum']) hash.update(readFileSync(join(moduleDir, file)));
  return hash.digest('hex');
}

/** The Go toolchain: $GO, `go` on PATH, or the usual install location; undefined without one. */
export function findGo(): string | undefined {
  const candidates = [process.env.GO, 'go', '/usr/local/go/bin/go'].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  return candidates.find(
    (candidate) => spawnSync(candidate, ['version'], { stdio: 'ignore' }).status === 0,
  );
}

/** Why bin/livekit-server cannot be used as it is, or undefined when it is built from the pin. */
export function livekitServerStaleReason(): string | undefined {
  if (!existsSync(livekitServerPath)) return 'bin/livekit-server is not built';
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
  if (stamp !== pinHash()) return 'bin/livekit-server was built from another pin';
  return undefined;
}

/**
 * Builds bin/livekit-server when it is missing or stale. Returns what it did; throws when Go
 * is missing or the build fails.
 */
export function buildLivekitServer(
  log: (line: string) => void = console.log,
): 'built' | 'up to date' {
  const version = pinnedLivekitVersion();
  if (!livekitServerStaleReason()) {
    log(`[livekit:build] bin/livekit-server is up to date (livekit-server ${version})`);
    return 'up to date';
  }
  const go = findGo();
  if (!go)
    throw new Error(
      'livekit:build needs Go 1.26 (not found as $GO, on PATH or at /usr/local/go/bin/go)',
    );
  log(`[livekit:build] building livekit-server ${version} with ${go} (first build takes minutes)`);
  mkdirSync(dirname(livekitServerPath), { recursive: true });
  const started = Date.now();
  const result = spawnSync(go, ['build', '-trimpath', '-o', livekitServerPath, TOOL_PACKAGE], {
    cwd: moduleDir,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (result.status !== 0)
    throw new Error(`go build failed (exit ${result.status ?? result.signal})`);
  writeFileSync(stampPath, `${pinHash()}\n`);
  log(
    `[livekit:build] built bin/livekit-server (livekit-server ${version}) in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildLivekitServer();
  } catch (error) {
    console.error(`[livekit:build] ${(error as Error).message}`);
    process.exit(1);
  }
}
