/**
 * `server/main.ts` as a newcomer runs it: a real process, its stdout read as it comes. A
 * development run prints readable log lines and the banner, never raw JSON; LOG_FORMAT=json
 * (production's default) prints pino's JSON lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Starts call control with only `env` (plus PATH/HOME), waits for its banner, stops it. */
async function firstRun(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      MEDIA_PORT: '0',
      DATA_DIR: 'memory',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no banner within 60 s; stdout:\n${stdout}\nstderr:\n${stderr}`)),
        60_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // The banner's closing rule is the last thing a first run prints.
        if (/Demo API key[\s\S]*\n─+\n/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code}) before its banner; stderr:\n${stderr}`));
      });
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return stdout;
}

test('a development run prints readable log lines and the banner, no JSON', async () => {
  const stdout = await firstRun({});
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  assert.deepEqual(
    lines.filter((line) => line.trimStart().startsWith('{')),
    [],
    'no raw JSON line',
  );
  assert.match(stdout, /^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(stdout, /^\[\d\d:\d\d:\d\d\] INFO: media-server: embedded media server listening /m);
  assert.match(stdout, /Switchboard demo/);
});

test('LOG_FORMAT=json prints pino JSON lines', async () => {
  const stdout = await firstRun({ LOG_FORMAT: 'json' });
  const listening = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .find((entry) => entry.msg.startsWith('Server listening at'));
  assert.equal(listening?.level, 30);
});

test('LOG_FORMAT: json in production, pretty otherwise, anything else refused', () => {
  assert.equal(loadConfig({}).logFormat, 'pretty');
  assert.equal(loadConfig({ NODE_ENV: 'production' }).logFormat, 'json');
  assert.equal(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logFormat, 'pretty');
  assert.equal(loadConfig({ LOG_FORMAT: 'json' }).logFormat, 'json');
  assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT must be "pretty" or "json"/);
});

test('TRUST_PROXY: the proxies named, nothing forwarded believed without it, "everyone" refused', () => {
  assert.equal(loadConfig({}).trustProxy, undefined);
  assert.equal(
    loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy,
    '127.0.0.1,10.0.0.0/8',
  );
  assert.equal(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy, 'loopback');
  assert.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /TRUST_PROXY lists the proxies/);
  assert.throws(() => loadConfig({ TRUST_PROXY: '*' }), /TRUST_PROXY lists the proxies/);
});
