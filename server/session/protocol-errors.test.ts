/**
 * A client that breaks the WebSocket protocol (a frame over the size limit, text that is not
 * UTF-8) is the client's fault: its socket is closed with the standard code, and the log says
 * so below error level and rate-limited, so no client can flood the error log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { buildApp, type App } from '../app.ts';
import { testConfig } from '../test/harness.ts';
import { openTestDatabase } from '../test/test-database.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';

const SOCKETS_PER_KIND = 40;

interface LogLine {
  level: number;
  msg: string;
}

async function misbehave(url: string, kind: 'oversized' | 'invalid-utf8'): Promise<number> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  // Let the server finish its handshake work (hello, snapshot) before the bad frame.
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (kind === 'oversized') socket.send('x'.repeat(64 * 1024));
  else socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

test('protocol errors from clients are logged below error level, rate-limited', async () => {
  const lines: LogLine[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const database = await openTestDatabase();
  let app: App | undefined;
  try {
    app = await buildApp(testConfig({ logLevel: 'info' }), database, { logStream });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const { tenant } = await new TenantRepository(database).createTenant('tenant-p');
    const { user } = await new TenantRepository(database).findOrCreateUser(tenant.id, {
      reference: 'sup@p.test',
      role: 'supervisor',
    });
    const { token } = await app.services.tokens.issue({
      tenantId: tenant.id,
      userId: user.id,
      role: 'supervisor',
    });
    const before = lines.length;
    const codes: number[] = [];
    for (const path of ['/api/session', '/api/supervisor/feed'])
      for (const kind of ['oversized', 'invalid-utf8'] as const)
        for (let index = 0; index < SOCKETS_PER_KIND; index++)
          codes.push(await misbehave(`ws://127.0.0.1:${port}${path}?token=${token}`, kind));
    assert.deepEqual(
      [...new Set(codes)].sort(),
      [1007, 1009],
      'the sockets were closed with the standard codes',
    );
    const logged = lines.slice(before);
    const errors = logged.filter((line) => line.level >= 50);
    assert.deepEqual(
      errors.map((line) => line.msg),
      [],
      'a client protocol error reached the error log',
    );
    const protocolLines = logged.filter((line) => /protocol error/.test(line.msg));
    assert.ok(protocolLines.length >= 1, 'protocol errors are still logged');
    assert.ok(
      protocolLines.length <= 8,
      `${protocolLines.length} lines for ${codes.length} misbehaving sockets: not rate-limited`,
    );
  } finally {
    await app?.close();
    await database.close();
  }
});
