/**
 * The console is served with security headers: a Content-Security-Policy that lets it reach
 * only its own origin and its LiveKit URL (and forbids framing), nosniff, a referrer policy;
 * HSTS only over TLS (sent over TLS through a proxy: behind-tls-proxy.test.ts). The API docs keep a policy of their own that lets Swagger UI run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../test/harness.ts';

function directives(header: string | null): Map<string, string[]> {
  assert.ok(header, 'no Content-Security-Policy header');
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

describe('security headers', () => {
  let server: TestServer;
  let consoleDir: string;

  before(async () => {
    consoleDir = await mkdtemp(path.join(tmpdir(), 'switchboard-csp-'));
    await writeFile(
      path.join(consoleDir, 'index.html'),
      '<!doctype html><title>Switchboard</title>',
    );
    server = await startTestServer({
      consoleDir,
      livekitPublicUrl: 'wss://media.example.test:7443',
    });
  });
  after(async () => {
    await server.close();
    await rm(consoleDir, { recursive: true, force: true });
  });

  test('the console gets a CSP that allows its origin and its LiveKit URL, and no framing', async () => {
    for (const pathname of ['/', '/calls']) {
      const response = await fetch(`${server.url}${pathname}`);
      assert.equal(response.status, 200);
      const csp = directives(response.headers.get('content-security-policy'));
      assert.deepEqual(csp.get('default-src'), ["'self'"]);
      assert.deepEqual(csp.get('script-src'), ["'self'"]);
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
      // Angular Material sets inline styles.
      assert.ok(csp.get('style-src')?.includes("'unsafe-inline'"));
      const connect = csp.get('connect-src') ?? [];
      assert.ok(connect.includes("'self'"), connect.join(' '));
      assert.ok(connect.includes('wss://media.example.test:7443'), connect.join(' '));
      assert.ok(connect.includes('https://media.example.test:7443'), connect.join(' '));
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      // Plain HTTP: no HSTS (it would pin a certificate the server does not have).
      assert.equal(response.headers.get('strict-transport-security'), null);
    }
  });

  test('with no proxy trusted (TRUST_PROXY unset), a client claiming TLS gets no HSTS', async () => {
    const response = await fetch(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('strict-transport-security'), null);
  });

  test('API responses carry nosniff too', async () => {
    const response = await fetch(`${server.url}/api/nothing`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  test('the API docs page keeps a policy that lets Swagger UI run over plain HTTP', async () => {
    const response = await fetch(`${server.url}/api/docs`);
    assert.equal(response.status, 200);
    const csp = directives(response.headers.get('content-security-policy'));
    assert.ok(!csp.has('upgrade-insecure-requests'));
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    // Not the console's policy: Swagger UI's own (its validator badge, its styles).
    assert.ok(csp.get('img-src')?.includes('validator.swagger.io'));
  });
});
