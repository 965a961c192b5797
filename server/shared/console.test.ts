import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../test/harness.ts';

describe('console hosting', () => {
  let server: TestServer;
  let consoleDir: string;
  const get = (pathname: string) => fetch(`${server.url}${pathname}`);

  before(async () => {
    consoleDir = await mkdtemp(path.join(tmpdir(), 'switchboard-console-'));
    await writeFile(
      path.join(consoleDir, 'index.html'),
      '<!doctype html><title>Switchboard</title>',
    );
    await writeFile(path.join(consoleDir, 'main-AB12CD34.js'), 'console.log("main")');
    await mkdir(path.join(consoleDir, 'media'));
    await writeFile(path.join(consoleDir, 'media', 'ring.ogg'), 'ogg');
    server = await startTestServer({ consoleDir });
  });
  after(async () => {
    await server.close();
    await rm(consoleDir, { recursive: true, force: true });
  });

  test('serves index.html at / and for deep links, never cached', async () => {
    for (const pathname of ['/', '/calls', '/queue/live?tab=2', '/login/']) {
      const response = await get(pathname);
      assert.equal(response.status, 200, pathname);
      assert.match(await response.text(), /<title>Switchboard/, pathname);
      assert.equal(response.headers.get('cache-control'), 'no-cache', pathname);
    }
  });

  test('serves built files; hashed bundles are cached for good', async () => {
    const bundle = await get('/main-AB12CD34.js');
    assert.equal(bundle.status, 200);
    assert.equal(await bundle.text(), 'console.log("main")');
    assert.match(bundle.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await get('/media/ring.ogg')).status, 200);
  });

  test('missing files and /api paths get JSON 404s, not the console', async () => {
    for (const pathname of ['/main-XXXXXXXX.js', '/media/missing.ogg', '/api/nope', '/api']) {
      const response = await get(pathname);
      assert.equal(response.status, 404, pathname);
      assert.equal((await response.json()).error, 'not-found', pathname);
    }
    const malformed = await get('/%E0%A4%A');
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).statusCode, 400);
  });

  test('paths cannot climb out of the console directory', async () => {
    for (const pathname of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
    ]) {
      const response = await get(pathname);
      assert.doesNotMatch(await response.text(), /root:/, pathname);
    }
  });

  test('the API is unaffected', async () => {
    const response = await fetch(`${server.url}/api/auth/me`);
    assert.equal(response.status, 401);
  });
});

test('without a built console, / redirects to the console named by CONSOLE_URL', async () => {
  const server = await startTestServer({ consoleUrl: 'http://localhost:4200' });
  try {
    const response = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'http://localhost:4200');
    // Only the root: unknown paths and the API keep their JSON 404s.
    for (const pathname of ['/calls', '/api']) {
      const other = await fetch(`${server.url}${pathname}`, { redirect: 'manual' });
      assert.equal(other.status, 404, pathname);
      assert.equal((await other.json()).error, 'not-found', pathname);
    }
  } finally {
    await server.close();
  }
});

test('without a built console nor CONSOLE_URL, / says where the console and the API docs are', async () => {
  const server = await startTestServer();
  try {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const page = await response.text();
    assert.match(page, /npm start/);
    assert.match(page, /href="\/api\/docs"/);
  } finally {
    await server.close();
  }
});
