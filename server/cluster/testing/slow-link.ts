/**
 * A TCP proxy that delays everything passing through it by a fixed time each way, keeping the
 * order of the bytes: a Redis "far away" (another rack, a loaded machine) for tests of what a
 * round trip costs. Nodes given its URL as REDIS_URL reach the real Redis behind it.
 *
 *   const link = await startSlowLink({ target: 'redis://127.0.0.1:6379', delayMs: 25 });
 *   … REDIS_URL: link.url …
 *   await link.close();
 */
import { createServer, connect, type Socket } from 'node:net';

export interface SlowLink {
  url: string;
  close(): Promise<void>;
}

export async function startSlowLink({
  target,
  delayMs,
}: {
  target: string;
  delayMs: number;
}): Promise<SlowLink> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const relay = (from: Socket, into: Socket) => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!into.destroyed) into.write(chunk);
      }, delayMs);
    });
    from.on('close', () => setTimeout(() => into.destroy(), delayMs));
    from.on('error', () => {});
  };
  const server = createServer((client) => {
    const upstream = connect(Number(to.port || 6379), to.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
