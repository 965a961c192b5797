// `npm test`: every suite in turn (type checks, call control + media server on node:test, the
// console on Karma, end-to-end on Playwright), each against real parts. Streams each suite's
// output and ends with one line summing them all: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';

const suites = [
  // First, since it is quick: tsc --noEmit for every project nothing else type checks.
  { name: 'types', command: 'npm', args: ['run', '--silent', 'typecheck'], parse: parseTypes },
  // The telephony SDK built as its npm package with ng-packagr (about 10 s of CPU), then checked:
  // self-contained, loads, and an app type-checks against it (scripts/build-sdk.mjs --check).
  { name: 'sdk', command: 'npm', args: ['run', '--silent', 'test:sdk'], parse: parseSdk },
  // Prettier and ESLint (scripts/lint.mjs): one pass or failure per lint target.
  { name: 'lint', command: 'npm', args: ['run', '--silent', 'lint'], parse: parseLint },
  {
    name: 'server',
    command: 'npm',
    args: ['run', '--silent', 'test:server'],
    parse: parseNodeTest,
  },
  { name: 'console', command: 'npm', args: ['run', '--silent', 'test:console'], parse: parseKarma },
  { name: 'e2e', command: 'npm', args: ['run', '--silent', 'test:e2e'], parse: parsePlaywright },
  // The media-facing files again, on a real livekit-server (tools/livekit): skipped, with one
  // line saying why, on a machine that has neither bin/livekit-server nor Go to build it.
  {
    name: 'server (livekit)',
    command: 'npm',
    args: ['run', '--silent', 'test:server:livekit'],
    parse: parseNodeTest,
    unavailable: livekitUnavailable,
  },
  {
    name: 'e2e (livekit)',
    command: 'npm',
    args: ['run', '--silent', 'test:e2e:livekit'],
    parse: parsePlaywright,
    unavailable: livekitUnavailable,
  },
  // Phones on real parts (server/**/*.phone-test.ts): redis-server, livekit-server in Redis
  // mode, LiveKit SIP (cgo) and test phones. Skipped with one line saying why where Go, the cgo
  // libraries or redis-server are missing.
  {
    name: 'server (sip)',
    command: 'npm',
    args: ['run', '--silent', 'test:sip'],
    parse: parseNodeTest,
    unavailable: phoneStackUnavailable,
  },
  // Call control as a cluster (server/**/*.cluster-test.ts): node processes on one Redis and
  // one PostgreSQL. Skipped with one line saying why where either does not answer.
  {
    name: 'server (cluster)',
    command: 'npm',
    args: ['run', '--silent', 'test:cluster'],
    parse: parseNodeTest,
    unavailable: clusterUnavailable,
  },
];

/** Why the cluster suite cannot run here (no Redis or PostgreSQL answering), or undefined. */
function clusterUnavailable() {
  const result = spawnSync(process.execPath, ['scripts/cluster-check.mjs'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return result.status === 2 ? result.stdout.trim() : undefined;
}

let livekitCheck;
/** Why the real-LiveKit suites cannot run here (building bin/livekit-server first if Go can), or undefined. */
function livekitUnavailable() {
  if (livekitCheck === undefined) {
    const result = spawnSync('npx', ['tsx', 'tools/livekit/check.ts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    livekitCheck =
      result.status === 0 ? '' : result.stdout.trim() || `check failed (${result.status})`;
  }
  return livekitCheck || undefined;
}

let phoneStackCheck;
/** Why the phone suite cannot run here (building bin/livekit-sip first if it can), or undefined. */
function phoneStackUnavailable() {
  if (phoneStackCheck === undefined) {
    const result = spawnSync('npx', ['tsx', 'tools/livekit-sip/check.ts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Exit 2 = this machine lacks a part (skip); a failed build (exit 1) runs the suite, which
    // then fails visibly instead of being skipped.
    phoneStackCheck = result.status === 2 ? result.stdout.trim() : '';
  }
  return phoneStackCheck || undefined;
}

// Strip ANSI colour codes before matching summary lines.
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

function parseNodeTest(output) {
  const pass = [...output.matchAll(/^ℹ pass (\d+)/gm)].at(-1);
  const fail = [...output.matchAll(/^ℹ fail (\d+)/gm)].at(-1);
  if (!pass || !fail) return null;
  return { passed: Number(pass[1]), failed: Number(fail[1]) };
}

function parseTypes(output) {
  const summary = [...output.matchAll(/^types: (\d+) passed, (\d+) failed$/gm)].at(-1);
  if (!summary) return null;
  return { passed: Number(summary[1]), failed: Number(summary[2]) };
}

function parseSdk(output) {
  const summary = [...output.matchAll(/^sdk: (\d+) passed, (\d+) failed$/gm)].at(-1);
  if (!summary) return null;
  return { passed: Number(summary[1]), failed: Number(summary[2]) };
}

function parseLint(output) {
  const summary = [...output.matchAll(/^lint: (\d+) passed, (\d+) failed$/gm)].at(-1);
  if (!summary) return null;
  return { passed: Number(summary[1]), failed: Number(summary[2]) };
}

function parseKarma(output) {
  const total = [...output.matchAll(/TOTAL: (?:(\d+) FAILED, )?(\d+) SUCCESS/g)].at(-1);
  if (total) return { passed: Number(total[2]), failed: Number(total[1] ?? 0) };
  const executed = [...output.matchAll(/Executed (\d+) of (\d+)(?: \((\d+) FAILED\))?/g)].at(-1);
  if (!executed) return null;
  const failed = Number(executed[3] ?? 0);
  return { passed: Number(executed[1]) - failed, failed };
}

function parsePlaywright(output) {
  const passed = [...output.matchAll(/^\s*(\d+) passed/gm)].at(-1);
  const failed = [...output.matchAll(/^\s*(\d+) failed/gm)].at(-1);
  const flaky = [...output.matchAll(/^\s*(\d+) flaky/gm)].at(-1);
  if (!passed && !failed) return null;
  // A flaky test failed at least once: count it as failed, never as passed.
  return {
    passed: Number(passed?.[1] ?? 0),
    failed: Number(failed?.[1] ?? 0) + Number(flaky?.[1] ?? 0),
  };
}

function runSuite(suite) {
  return new Promise((resolve) => {
    console.log(`\n=== ${suite.name} ===`);
    const child = spawn(suite.command, suite.args, {
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
    });
    let output = '';
    const collect = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', collect(process.stdout));
    child.stderr.on('data', collect(process.stderr));
    child.on('close', (code) => {
      const counts = suite.parse(plain(output));
      if (!counts) {
        // A suite that crashed before reporting still counts as one failure.
        resolve({ name: suite.name, passed: 0, failed: 1, code, note: 'no summary found' });
      } else {
        const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
        resolve({ name: suite.name, ...counts, failed, code });
      }
    });
  });
}

const only = process.argv.slice(2);
const results = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  const unavailable = suite.unavailable?.();
  if (unavailable) {
    console.log(`\n=== ${suite.name} === skipped: ${unavailable}`);
    results.push({
      name: suite.name,
      passed: 0,
      failed: 0,
      code: 0,
      note: `skipped: ${unavailable}`,
    });
    continue;
  }
  results.push(await runSuite(suite));
}
console.log('\n=== summary ===');
for (const r of results) {
  console.log(
    `${r.name}: ${r.passed} passed, ${r.failed} failed (exit ${r.code}${r.note ? `, ${r.note}` : ''})`,
  );
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
