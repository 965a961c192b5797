/**
 * Every signed token call control accepts must say when it expires. A token without `exp`,
 * correctly signed, would otherwise be good forever: refused on HTTP routes, on the session and
 * supervisor WebSockets, and as a LiveKit webhook's signature.
 */
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { requestJson, startTestServer, type TestServer, type TestUser } from '../test/harness.ts';
import { AgentClient } from '../session/testing/agent-client.ts';
import { postWebhook, webhookBody } from '../media/testing/livekit-webhooks.ts';

describe('tokens without an expiry', () => {
  let server: TestServer;
  let sam: TestUser;
  let forever: string;

  before(async () => {
    server = await startTestServer();
    sam = await server.createUser('sam@exp.test', { role: 'supervisor' });
    // Everything a session token has, correctly signed, except `exp`.
    forever = await new SignJWT({ tid: server.tenant.id, role: 'supervisor' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sam.user.id)
      .setIssuer('switchboard')
      .setIssuedAt()
      .sign(new TextEncoder().encode(server.config.jwtSecret));
  });
  after(() => server.close());

  test('are refused on HTTP routes with 401', async () => {
    for (const [method, path] of [
      ['GET', '/api/auth/me'],
      ['POST', '/api/auth/refresh'],
      ['GET', '/api/calls'],
      ['GET', '/api/directory'],
    ] as const) {
      const response = await requestJson(server.url, method, path, { token: forever });
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.equal(response.body.error, 'unauthorized');
    }
    // The same user's ordinary token still works.
    const me = await requestJson(server.url, 'GET', '/api/auth/me', { token: sam.token });
    assert.equal(me.status, 200);
  });

  test('close the session and supervisor sockets with 4401', async () => {
    const tab = await AgentClient.connect(server.sessionUrl(forever));
    assert.equal(tab.closed?.code, 4401);
    const feed = new WebSocket(
      `${server.wsUrl.replace('/api/session', '/api/supervisor/feed')}?token=${forever}`,
    );
    const code = await new Promise<number>((resolve) =>
      feed.addEventListener('close', (event) => resolve(event.code)),
    );
    assert.equal(code, 4401);
  });

  // A guard, not a reproduction: livekit-server-sdk's WebhookReceiver refuses these by itself.
  // The two tests above fail without TokenService's `requiredClaims: ['exp']` (200 / hello), and
  // server/media-server/auth.test.ts covers the embedded media server's own check.
  test('do not sign a LiveKit webhook', async () => {
    const { apiKey, apiSecret } = server.app.services.media.backend;
    const body = webhookBody('room_finished', `t_${server.tenant.id}_call_nothing`);
    const sha256 = createHash('sha256').update(body, 'utf8').digest('base64');
    const noExpiry = await new SignJWT({ sha256 })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(apiKey)
      .setIssuedAt()
      .sign(new TextEncoder().encode(apiSecret));
    assert.equal(await postWebhook(server.url, body, noExpiry), 401);
  });
});
