/**
 * Free loopback ports chosen at run time, and stopping a child's whole process group, for the
 * fixtures that start real servers (Redis, LiveKit SIP) next to other engineers' and CI's runs.
 */
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** A port free for both TCP and UDP on 127.0.0.1 (SIP listens on both). */
export async function freeTcpAndUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    if (await udpPortFree(port)) return port;
  }
  throw new Error('no port free for both TCP and UDP after 20 tries');
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * A block of `size` consecutive UDP ports, all free now, for a media port range (RTP). Chosen
 * at random in the upper range so that concurrent runs rarely even try the same block.
 */
export async function freeUdpPortRange(size: number): Promise<{ start: number; end: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20_000 + 2 * Math.floor(Math.random() * ((40_000 - size) / 2));
    const checks = await Promise.all(
      Array.from({ length: size }, (_, offset) => udpPortFreeAnyAddress(start + offset)),
    );
    if (checks.every(Boolean)) return { start, end: start + size - 1 };
  }
  throw new Error(`no block of ${size} free UDP ports after 50 tries`);
}

/** LiveKit SIP binds its RTP ports on 0.0.0.0, so the check does too. */
function udpPortFreeAnyAddress(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '0.0.0.0', () => socket.close(() => resolve(true)));
  });
}

/** Signals a detached child's process group (it and everything it started); gone is fine. */
export function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
