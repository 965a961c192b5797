/**
 * Slow clients cannot hold connections open: a request whose headers or body trickle in is cut
 * off after its timeout, and a connection that sends nothing is closed after the idle timeout.
 * Once a request dripping one byte every few seconds stayed open forever.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestServer, type TestServer } from '../test/harness.ts';

const sockets: Socket[] = [];

/** Opens a raw TCP connection; resolves with it and a promise of when the server closed it. */
async function rawConnection(
  server: TestServer,
): Promise<{ socket: Socket; closed: Promise<number> }> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  const opened = Date.now();
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(Date.now() - opened)),
  );
  return { socket, closed };
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function drip(socket: Socket, text: string, everyMs: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) return clearInterval(timer);
    socket.write(text[index++]);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

const within = (closed: Promise<number>, ms: number) =>
  Promise.race([closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);

describe('HTTP timeouts', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      httpRequestTimeoutSeconds: 2,
      httpHeadersTimeoutSeconds: 1,
      httpIdleTimeoutSeconds: 2,
    });
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await server.close();
  });

  test('a body that trickles in is cut off at the request timeout', async () => {
    const { socket, closed } = await rawConnection(server);
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n',
    );
    drip(socket, '{"tenant":"' + 'x'.repeat(180), 250);
    const after = await within(closed, 6_000);
    assert.ok(after !== null, 'the dripping request was still open after 6 s');
    assert.ok(after >= 1_500, `cut off after ${after} ms, before its timeout`);
  });

  test('headers that trickle in are cut off at the headers timeout', async () => {
    const { socket, closed } = await rawConnection(server);
    drip(socket, `GET /api/auth/me HTTP/1.1\r\nHost: x\r\nX-Slow: ${'y'.repeat(200)}`, 200);
    const after = await within(closed, 5_000);
    assert.ok(after !== null, 'the dripping headers were still open after 5 s');
  });

  test('a kept-alive connection that goes quiet is closed at the idle timeout', async () => {
    const { socket, closed } = await rawConnection(server);
    const answered = new Promise((resolve) => socket.once('data', resolve));
    socket.write('GET /api/nothing HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await answered;
    const quietFrom = Date.now();
    const after = await within(closed, 6_000);
    assert.ok(after !== null, 'the quiet connection was still open after 6 s');
    const quietFor = Date.now() - quietFrom;
    assert.ok(quietFor >= 1_500, `closed after ${quietFor} ms of quiet, before the idle timeout`);
  });

  test('a connection that never sends a request is closed at the headers timeout', async () => {
    const { closed } = await rawConnection(server);
    const after = await within(closed, 5_000);
    assert.ok(after !== null, 'the silent connection was still open after 5 s');
  });
});
