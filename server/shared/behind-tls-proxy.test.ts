/**
 * Call control behind the documented deployment's front: a real nginx (deploy/nginx/
 * switchboard.conf) terminating TLS with a certificate made at test time. Call control itself
 * listens on plain HTTP; with TRUST_PROXY naming nginx it learns from X-Forwarded-Proto that the
 * browser's connection is TLS (so HSTS is sent) and from X-Forwarded-For who the client is (so
 * sign-in limits count each client, not nginx).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { startTlsProxy, type TlsProxy } from '../test/tls-proxy.ts';

const PASSWORD = 'correct horse';
const HSTS = 'max-age=31536000; includeSubDomains';

describe('behind a TLS-terminating proxy', () => {
  let server: TestServer;
  let proxy: TlsProxy | null;
  let consoleDir: string;

  before(async () => {
    consoleDir = await mkdtemp(path.join(tmpdir(), 'switchboard-tls-console-'));
    await writeFile(
      path.join(consoleDir, 'index.html'),
      '<!doctype html><title>Switchboard</title>',
    );
    server = await startTestServer({
      consoleDir,
      trustProxy: '127.0.0.1',
      loginMaxFailuresPerAccount: 3,
      loginMaxFailuresPerClient: 4,
      loginFailureWindowSeconds: 60,
    });
    await server.createUser('ada@tls.test', { password: PASSWORD });
    proxy = await startTlsProxy({ upstreamPort: Number(new URL(server.url).port), consoleDir });
  });
  after(async () => {
    await proxy?.stop();
    await server.close();
    await rm(consoleDir, { recursive: true, force: true });
  });

  test('over TLS every answer carries HSTS; over plain HTTP none does', async (t) => {
    if (!proxy) return t.skip('nginx is not installed');
    for (const pathname of ['/api/docs/json', '/api/nothing']) {
      const overTls = await proxy.request('GET', pathname);
      assert.equal(overTls.headers['strict-transport-security'], HSTS, `${pathname} over TLS`);
      const plain = await fetch(`${server.url}${pathname}`);
      assert.equal(plain.headers.get('strict-transport-security'), null, `${pathname} over HTTP`);
    }
    // A sign-in answered over TLS, refused or not, carries it too.
    const signIn = await proxy.request('POST', '/api/auth/login', {
      body: { tenant: server.tenant.name, email: 'ada@tls.test', password: PASSWORD },
    });
    assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
    assert.equal(signIn.headers['strict-transport-security'], HSTS);
  });

  test('failed sign-ins are limited per client behind the proxy, not for everyone at once', async (t) => {
    if (!proxy) return t.skip('nginx is not installed');
    const login = (client: string, email: string, password: string) =>
      proxy!.request('POST', '/api/auth/login', {
        headers: { 'x-forwarded-for': client },
        body: { tenant: server.tenant.name, email, password },
      });
    for (let index = 0; index < 4; index++)
      assert.equal((await login('203.0.113.1', `nobody-${index}@tls.test`, 'guess')).status, 401);
    const limited = await login('203.0.113.1', 'ada@tls.test', PASSWORD);
    assert.equal(limited.status, 429, 'the guessing client is limited');
    // Another client behind the same proxy signs in as usual.
    const other = await login('203.0.113.2', 'ada@tls.test', PASSWORD);
    assert.equal(other.status, 200, JSON.stringify(other.body));
  });
});
