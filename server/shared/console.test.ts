import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { precompressConsole } from './precompress.ts';

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

describe('console hosting, compressed', () => {
  let server: TestServer;
  let consoleDir: string;
  // Big and repetitive enough that compressing it pays, like a real bundle.
  const bundle = Array.from({ length: 400 }, (_, i) => `console.log("line ${i}");`).join('\n');
  const index = `<!doctype html><title>Switchboard</title>${'<!-- padding -->'.repeat(100)}`;
  // Node's fetch decompresses on its own; raw bytes show what was really on the wire.
  const getRaw = async (pathname: string, acceptEncoding?: string) => {
    const { request } = await import('node:http');
    return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>(
      (resolve, reject) => {
        const url = new URL(pathname, server.url);
        const req = request(
          url,
          { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers as Record<string, string>,
                body: Buffer.concat(chunks),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
  };

  before(async () => {
    consoleDir = await mkdtemp(path.join(tmpdir(), 'switchboard-console-'));
    await writeFile(path.join(consoleDir, 'index.html'), index);
    await writeFile(path.join(consoleDir, 'main-AB12CD34.js'), bundle);
    await writeFile(path.join(consoleDir, 'favicon.svg'), `<svg>${' '.repeat(2000)}</svg>`);
    // Lazy chunks as Angular's build names them: the hash mixes cases, `_` and `-`.
    for (const chunk of ['chunk-3o-0hIPu.js', 'chunk-Bao3_Umg.js', 'chunk-vuhKJP7G.js'])
      await writeFile(path.join(consoleDir, chunk), bundle);
    await precompressConsole(consoleDir);
    server = await startTestServer({ consoleDir });
  });
  after(async () => {
    await server.close();
    await rm(consoleDir, { recursive: true, force: true });
  });

  test('the main bundle goes out as brotli to a client that accepts it', async () => {
    const response = await getRaw('/main-AB12CD34.js', 'gzip, deflate, br');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-encoding'], 'br');
    assert.match(response.headers['content-type'] ?? '', /javascript/);
    assert.match(response.headers['vary'] ?? '', /accept-encoding/i);
    assert.ok(response.body.length < bundle.length / 2, `${response.body.length} bytes`);
    assert.equal(brotliDecompressSync(response.body).toString(), bundle);
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
    // The security headers are still there.
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  test('gzip to a client that accepts only gzip', async () => {
    const response = await getRaw('/main-AB12CD34.js', 'gzip');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.match(response.headers['vary'] ?? '', /accept-encoding/i);
    assert.equal(gunzipSync(response.body).toString(), bundle);
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('the plain file to a client that accepts no encoding', async () => {
    const response = await getRaw('/main-AB12CD34.js');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.match(response.headers['vary'] ?? '', /accept-encoding/i);
    assert.equal(response.body.toString(), bundle);
  });

  test('index.html is compressed too and never cached, at / and for deep links', async () => {
    for (const pathname of ['/', '/calls']) {
      const response = await getRaw(pathname, 'br');
      assert.equal(response.status, 200, pathname);
      assert.equal(response.headers['content-encoding'], 'br', pathname);
      assert.match(response.headers['content-type'] ?? '', /^text\/html/, pathname);
      assert.equal(brotliDecompressSync(response.body).toString(), index, pathname);
      assert.equal(response.headers['cache-control'], 'no-cache', pathname);
      assert.ok(response.headers['content-security-policy'], pathname);
    }
  });

  test('lazy chunks, whatever characters their hash has, are compressed and immutable', async () => {
    for (const chunk of ['chunk-3o-0hIPu.js', 'chunk-Bao3_Umg.js', 'chunk-vuhKJP7G.js']) {
      const response = await getRaw(`/${chunk}`, 'br');
      assert.equal(response.status, 200, chunk);
      assert.equal(response.headers['content-encoding'], 'br', chunk);
      assert.equal(brotliDecompressSync(response.body).toString(), bundle, chunk);
      assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable', chunk);
    }
  });

  test('an unhashed file is revalidated every time', async () => {
    const response = await getRaw('/favicon.svg', 'gzip');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.equal(response.headers['cache-control'], 'no-cache');
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
