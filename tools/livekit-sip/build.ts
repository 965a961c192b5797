/**
 * `npm run sip:build`: builds the pinned LiveKit SIP service (tools/livekit-sip/go.mod's `tool`
 * directive) into bin/livekit-sip with Go and cgo (Opus and SoX resampling come from Debian's
 * libopus-dev, libopusfile-dev, libsoxr-dev and pkg-config). The binary carries a stamp of the
 * pin (a hash of go.mod and go.sum), so it is rebuilt only when the pin changes; Go's build
 * cache makes a rebuild of unchanged modules quick.
 *
 * Its own module, not livekit-server's: the two pin different livekit/protocol versions.
 * Also imported by the SIP fixture, to tell a test run why it cannot have LiveKit SIP.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(moduleDir, '..', '..');
export const livekitSipPath = join(repoRoot, 'bin', 'livekit-sip');
const stampPath = `${livekitSipPath}.stamp`;
const TOOL_PACKAGE = 'github.com/livekit/sip/cmd/livekit-sip';
/** The C libraries cgo links, as pkg-config names them. */
const NATIVE_LIBRARIES = ['opus', 'opusfile', 'soxr'];
export const NATIVE_PACKAGES = 'pkg-config libopus-dev libopusfile-dev libsoxr-dev';

/** The pinned release, as go.mod requires it (e.g. "v1.8.0"). */
export function pinnedSipVersion(): string {
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  const match = /github\.com\/livekit\/sip (v\S+)/.exec(goMod);
  if (!match) throw new Error('tools/livekit-sip/go.mod does not require github.com/livekit/sip');
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

/** The native libraries cgo cannot find, by pkg-config name (all of them without pkg-config). */
export function missingNativeLibraries(): string[] {
  const probe = spawnSync('pkg-config', ['--exists', ...NATIVE_LIBRARIES], { stdio: 'ignore' });
  if (probe.error) return NATIVE_LIBRARIES;
  return NATIVE_LIBRARIES.filter(
    (library) => spawnSync('pkg-config', ['--exists', library], { stdio: 'ignore' }).status !== 0,
  );
}

/** Why bin/livekit-sip cannot be used as it is, or undefined when it is built from the pin. */
export function livekitSipStaleReason(): string | undefined {
  if (!existsSync(livekitSipPath)) return 'bin/livekit-sip is not built';
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
  if (stamp !== pinHash()) return 'bin/livekit-sip was built from another pin';
  return undefined;
}

/** Why this machine cannot build bin/livekit-sip, or undefined when it can. */
export function sipBuildUnavailable(): string | undefined {
  if (!findGo())
    return 'Go 1.26 is not installed (not found as $GO, on PATH or at /usr/local/go/bin/go)';
  const missing = missingNativeLibraries();
  if (missing.length > 0)
    return `cgo needs ${missing.join(', ')} (apt-get install ${NATIVE_PACKAGES})`;
  return undefined;
}

/**
 * Builds bin/livekit-sip when it is missing or stale. Returns what it did; throws when Go or a
 * native library is missing or the build fails.
 */
export function buildLivekitSip(log: (line: string) => void = console.log): 'built' | 'up to date' {
  const version = pinnedSipVersion();
  if (!livekitSipStaleReason()) {
    log(`[sip:build] bin/livekit-sip is up to date (livekit/sip ${version})`);
    return 'up to date';
  }
  const unavailable = sipBuildUnavailable();
  if (unavailable) throw new Error(`sip:build cannot build livekit-sip: ${unavailable}`);
  const go = findGo()!;
  log(`[sip:build] building livekit/sip ${version} with ${go} (cgo; first build takes minutes)`);
  mkdirSync(dirname(livekitSipPath), { recursive: true });
  const started = Date.now();
  const result = spawnSync(go, ['build', '-trimpath', '-o', livekitSipPath, TOOL_PACKAGE], {
    cwd: moduleDir,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '1' },
  });
  if (result.status !== 0)
    throw new Error(`go build failed (exit ${result.status ?? result.signal})`);
  writeFileSync(stampPath, `${pinHash()}\n`);
  log(
    `[sip:build] built bin/livekit-sip (livekit/sip ${version}) in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildLivekitSip();
  } catch (error) {
    console.error(`[sip:build] ${(error as Error).message}`);
    process.exit(1);
  }
}
