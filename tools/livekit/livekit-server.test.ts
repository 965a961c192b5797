/**
 * The livekit-server fixture and the config it runs: README.md's production example is what
 * `livekitConfigYaml` gives for production values, and a real livekit-server started with it
 * (loopback network, free ports) serves RoomService and signs webhooks that the real
 * WebhookReceiver accepts. Skips with one line when the machine has neither the binary nor Go.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { RoomServiceClient, WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import { livekitConfigYaml } from './livekit-config.ts';
import {
  livekitServerUnavailable,
  startLivekitServer,
  type LivekitServer,
} from './livekit-server.ts';

describe('the LiveKit config', () => {
  test('README.md’s production livekit.yaml is the config the tests run, with production values', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```yaml\n# livekit\.yaml\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README.md has a ```yaml block starting "# livekit.yaml"');
    const withoutComments = block[1].replace(/ *#.*$/gm, '');
    assert.equal(
      withoutComments,
      livekitConfigYaml({
        port: 7880,
        tcpPort: 7881,
        udpPort: 7882,
        webhookApiKey: 'APIswitchboard',
        webhookUrls: ['https://<call-control>/api/livekit/webhook'],
        network: 'external',
      }),
    );
  });
});

const unavailable = livekitServerUnavailable();

describe('a real livekit-server', { skip: unavailable && `skipped: ${unavailable}` }, () => {
  let livekit: LivekitServer;
  let sink: Server;
  const events: WebhookEvent[] = [];

  before(async () => {
    sink = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        void receiver
          .receive(body, request.headers.authorization)
          .then((event) => events.push(event))
          .finally(() => response.end());
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const { port } = sink.address() as { port: number };
    livekit = await startLivekitServer({ webhookUrls: [`http://127.0.0.1:${port}/webhook`] });
    const receiver = new WebhookReceiver(livekit.apiKey, livekit.apiSecret);
  });
  after(async () => {
    await livekit?.stop();
    sink?.close();
  });

  test('serves RoomService with its generated key pair and signs its webhooks with it', async () => {
    assert.match(livekit.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.match(livekit.configYaml, /node_ip: 127\.0\.0\.1/);
    const rooms = new RoomServiceClient(livekit.url, livekit.apiKey, livekit.apiSecret);
    await rooms.createRoom({ name: 'fixture-room', emptyTimeout: 30 });
    assert.deepEqual(
      (await rooms.listRooms()).map((room) => room.name),
      ['fixture-room'],
    );
    const wrongKey = new RoomServiceClient(
      livekit.url,
      livekit.apiKey,
      'not-the-secret-of-this-server!!',
    );
    await assert.rejects(wrongKey.listRooms(), 'a request signed with another secret is refused');

    await rooms.deleteRoom('fixture-room');
    const deadline = Date.now() + 15_000;
    while (!events.some((event) => event.event === 'room_finished')) {
      assert.ok(
        Date.now() < deadline,
        `room_finished within 15 s (got ${events.map((e) => e.event).join(', ')})`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(
      events.map((event) => [event.event, event.room?.name]),
      [
        ['room_started', 'fixture-room'],
        ['room_finished', 'fixture-room'],
      ],
    );
  });

  test('stops its whole process group', async () => {
    const other = await startLivekitServer();
    await other.stop();
    assert.throws(() => process.kill(-other.pid, 0), 'no process left in its group');
    await assert.rejects(fetch(`http://127.0.0.1:${other.ports.signal}/`), 'its port is closed');
  });
});
