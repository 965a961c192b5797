/**
 * proxy.conf.mjs on a real Vite dev server (the one `ng serve` runs) in front of a real
 * WebSocket server: connections that end abruptly on either side (a closed tab, call control
 * dropping a dead session) print nothing, while a proxy that cannot reach call control still says so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createLogger, createServer, type ViteDevServer } from 'vite';
import { WebSocket, WebSocketServer } from 'ws';

let backend: WebSocketServer;
let vite: ViteDevServer;
let viteUrl: string;
const logged: string[] = [];

/** What the backend does with the next connection. */
let onConnection: (socket: WebSocket) => void = () => {};

const rawSocket = (socket: WebSocket) => (socket as unknown as { _socket: Socket })._socket;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  backend = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => backend.once('listening', resolve));
  backend.on('connection', (socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  process.env.CALL_CONTROL_URL = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const configUrl = pathToFileURL(`${import.meta.dirname}/../../proxy.conf.mjs`).href;
  const proxy = ((await import(configUrl)) as { default: Record<string, object> }).default;
  const logger = createLogger('silent');
  logger.error = (message) => void logged.push(message);
  logger.warn = (message) => void logged.push(message);
  vite = await createServer({
    configFile: false,
    root: import.meta.dirname,
    logLevel: 'silent',
    customLogger: logger,
    server: { host: '127.0.0.1', port: 0, proxy, ws: false },
  });
  await vite.listen();
  viteUrl = `ws://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
});

after(async () => {
  await vite?.close();
  backend?.close();
});

async function openThroughProxy(): Promise<WebSocket> {
  const client = new WebSocket(`${viteUrl}/api/session`);
  client.on('error', () => {});
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('unexpected-response', (_request, response) =>
      reject(new Error(`proxy answered ${response.statusCode}`)),
    );
  });
  return client;
}

test('call control resetting a WebSocket (read ECONNRESET) prints nothing', async () => {
  logged.length = 0;
  const reset = new Promise<void>((resolve) => {
    onConnection = (socket) =>
      socket.on('message', () => {
        rawSocket(socket).resetAndDestroy();
        resolve();
      });
  });
  const client = await openThroughProxy();
  const closed = new Promise((resolve) => client.once('close', resolve));
  client.send('hello');
  await reset;
  await closed; // the proxy still closes the browser's side
  await sleep(200);
  assert.deepEqual(logged, []);
});

test('a tab going away abruptly while call control sends prints nothing', async () => {
  logged.length = 0;
  const gone = new Promise<void>((resolve) => {
    onConnection = (socket) => {
      const timer = setInterval(() => socket.send('x'.repeat(512)), 5);
      socket.once('close', () => {
        clearInterval(timer);
        resolve();
      });
    };
  });
  const client = await openThroughProxy();
  await new Promise((resolve) => client.once('message', resolve));
  for (let i = 0; i < 20; i++) client.send('y'.repeat(1024));
  rawSocket(client).resetAndDestroy();
  await gone; // the proxy still closes call control's side
  await sleep(200);
  assert.deepEqual(logged, []);
});

test('call control not running is still reported', async () => {
  logged.length = 0;
  backend.close();
  for (const socket of backend.clients) socket.terminate();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const client = new WebSocket(`${viteUrl}/api/session`);
  await new Promise((resolve) => {
    client.once('error', resolve);
    client.once('close', resolve);
  });
  await sleep(200);
  assert.equal(logged.length, 1, logged.join('\n'));
  assert.match(logged[0], /ws proxy error[\s\S]*ECONNREFUSED/);
});
