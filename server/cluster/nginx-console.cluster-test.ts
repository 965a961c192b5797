/**
 * The deployment example's nginx (deploy/nginx/switchboard.conf) serves the built console itself,
 * so the browser never sees call control's own answer for those files: nginx must send the same
 * security headers (CSP with the LiveKit origins, nosniff, referrer policy, no framing, …) and
 * the same caching (index.html revalidated, hashed bundles immutable). Checked through a real
 * nginx in front of two real nodes, over TLS (HSTS) and over plain HTTP (no HSTS), against what
 * a node answers for the same file: any header call control adds later and nginx lacks fails here.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNginxProxy, type NginxProxy } from '../test/tls-proxy.ts';
import { startCluster, type TestCluster } from './testing/cluster-harness.ts';

const MEDIA_URL = 'wss://media.example.test:7443';
const HASHED_ASSET = 'main-AB12cd_-.js';
/** Headers about the transfer itself, not about what the browser may do with the file. */
const TRANSPORT_HEADERS = new Set([
  'accept-ranges',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'date',
  'etag',
  'expires',
  'keep-alive',
  'last-modified',
  'server',
  'transfer-encoding',
  'vary',
]);

type HeaderValues = Headers | Record<string, string | string[] | undefined>;

/** Every header but the transport ones; a header sent twice shows as its values joined. */
function policyHeaders(headers: HeaderValues): Map<string, string> {
  const entries =
    headers instanceof Headers
      ? [...headers]
      : Object.entries(headers).map(([name, value]) => [name, String(value)] as const);
  return new Map(entries.filter(([name]) => !TRANSPORT_HEADERS.has(name)));
}

let cluster: TestCluster | null = null;
let consoleDir: string;
let overTls: NginxProxy | null = null;
let overHttp: NginxProxy | null = null;

before(async () => {
  consoleDir = await mkdtemp(path.join(tmpdir(), 'switchboard-nginx-console-'));
  // nginx's workers (started as root they run as nobody) must read it; mkdtemp makes it 0700.
  await chmod(consoleDir, 0o755);
  await writeFile(path.join(consoleDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  await writeFile(path.join(consoleDir, HASHED_ASSET), 'console.log("switchboard");');
  cluster = await startCluster({
    nodes: 2,
    env: { CONSOLE_DIR: consoleDir, LIVEKIT_PUBLIC_URL: MEDIA_URL, TRUST_PROXY: '127.0.0.1' },
  });
  if (!cluster) return;
  const options = {
    upstreamPorts: cluster.nodes.map((node) => node.port),
    consoleDir,
    mediaUrls: [MEDIA_URL],
  };
  overTls = await startNginxProxy({ ...options, tls: true });
  overHttp = await startNginxProxy({ ...options, tls: false });
});
after(async () => {
  await overTls?.stop();
  await overHttp?.stop();
  await cluster?.close();
  await rm(consoleDir, { recursive: true, force: true });
});

describe('the console through the deployment nginx', () => {
  test('index.html, a deep link and a hashed bundle carry the headers call control sends, HSTS over TLS only', async (t) => {
    if (!cluster) return t.skip('Redis or PostgreSQL not reachable');
    const [tlsProxy, httpProxy] = [overTls, overHttp];
    if (!tlsProxy || !httpProxy) return t.skip('nginx is not installed');
    const node = cluster.nodes[0];
    for (const pathname of ['/', '/calls', `/${HASHED_ASSET}`]) {
      // What call control itself answers for this file when the browser's connection is TLS.
      const direct = await fetch(`${node.url}${pathname}`, {
        headers: { 'x-forwarded-proto': 'https' },
      });
      assert.equal(direct.status, 200, `${pathname} from the node`);
      const expected = policyHeaders(direct.headers);
      assert.ok(expected.has('content-security-policy'), `${pathname}: node sends a CSP`);
      assert.ok(expected.has('strict-transport-security'), `${pathname}: node sends HSTS`);

      const viaTls = await tlsProxy.request('GET', pathname);
      assert.equal(viaTls.status, 200, `${pathname} through nginx over TLS`);
      assert.deepEqual(
        policyHeaders(viaTls.headers),
        expected,
        `${pathname}: nginx over TLS sends what call control sends`,
      );

      const viaPlain: Awaited<ReturnType<NginxProxy['request']>> = await httpProxy.request(
        'GET',
        pathname,
      );
      assert.equal(viaPlain.status, 200, `${pathname} through nginx over HTTP`);
      const withoutHsts = new Map(expected);
      withoutHsts.delete('strict-transport-security');
      assert.deepEqual(
        policyHeaders(viaPlain.headers),
        withoutHsts,
        `${pathname}: nginx over plain HTTP sends the same, without HSTS`,
      );
    }

    // The values themselves, so that a change to both at once is still a visible decision.
    const index = await tlsProxy.request('GET', '/');
    const csp = String(index.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(
      csp,
      /connect-src 'self' wss:\/\/media\.example\.test:7443 https:\/\/media\.example\.test:7443/,
    );
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.equal(index.headers['referrer-policy'], 'no-referrer');
    assert.equal(index.headers['x-frame-options'], 'DENY');
    assert.equal(index.headers['cache-control'], 'no-cache');
    const asset = await tlsProxy.request('GET', `/${HASHED_ASSET}`);
    assert.match(String(asset.headers['cache-control']), /immutable/);

    // A missing bundle is a 404 (not index.html) and still carries the policy.
    const missing = await tlsProxy.request('GET', '/main-ZZZZZZZZ.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-content-type-options'], 'nosniff');

    // /api answers are call control's own: each header once, not doubled by nginx.
    const api = await tlsProxy.request('GET', '/api/health');
    assert.equal(api.status, 200);
    assert.equal(api.headers['x-content-type-options'], 'nosniff');
  });
});
