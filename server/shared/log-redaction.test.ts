/**
 * Tokens ride in query strings (browsers cannot set headers on a WebSocket), so with
 * LOG_LEVEL=debug every logged URL must have them blanked: on HTTP routes, on refused and
 * unknown routes, and on both WebSocket upgrades.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { buildApp } from '../app.ts';
import { testConfig } from '../test/harness.ts';
import { openTestDatabase } from '../test/test-database.ts';
import { redactUrl } from './log-redaction.ts';

test('with LOG_LEVEL=debug no logged URL carries a token from its query string', async () => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const database = await openTestDatabase();
  const app = await buildApp(testConfig({ logLevel: 'debug' }), database, { logStream });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const secret = 'SECRET-TOKEN-VALUE';
    for (const path of [
      `/api/auth/me?token=${secret}`,
      `/api/calls?limit=5&access_token=${secret}`,
      `/api/nothing-here?token=${secret}`,
      `/api/calls/bad%00id?token=${secret}`,
      `/api/directory?TOKEN=${secret}&x=1`,
    ])
      await (await fetch(`http://127.0.0.1:${port}${path}`)).arrayBuffer();
    for (const path of ['/api/session', '/api/supervisor/feed']) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}?token=${secret}`);
      await new Promise((resolve) => socket.addEventListener('close', resolve));
    }
    const logged = lines.join('\n');
    assert.ok(lines.length > 0, 'nothing was logged at debug level');
    assert.match(logged, /\/api\/auth\/me\?token=\[redacted\]/, 'requests are logged, redacted');
    assert.doesNotMatch(logged, new RegExp(secret), 'a token reached the log');
  } finally {
    await app.close();
    await database.close();
  }
});

test('redactUrl blanks every credential-like query parameter and keeps the rest', () => {
  assert.equal(
    redactUrl('/api/session?token=abc&resume=1234'),
    '/api/session?token=[redacted]&resume=1234',
  );
  assert.equal(
    redactUrl('/rtc?access_token=a.b.c&auto_subscribe=1'),
    '/rtc?access_token=[redacted]&auto_subscribe=1',
  );
  assert.equal(
    redactUrl('/x?api_key=k&Secret=s&password=p'),
    '/x?api_key=[redacted]&Secret=[redacted]&password=[redacted]',
  );
  assert.equal(redactUrl('/plain/path'), '/plain/path');
});
