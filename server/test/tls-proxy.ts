/**
 * The documented deployment's front (deploy/nginx/switchboard.conf, rendered by
 * server/cluster/nginx-site.ts) as a real nginx in front of call control: terminating TLS with
 * a certificate made for the test (Debian's openssl), or on plain HTTP. For tests of what call
 * control does behind a TLS proxy (HSTS, client addresses) and of what nginx itself serves (the
 * console's files and their headers).
 *
 *   const proxy = await startTlsProxy({ upstreamPort: server.config.port, consoleDir });
 *   const response = await proxy.request('GET', '/api/...');
 *   await proxy.stop();
 *
 * Both resolve null when nginx is not installed (CI installs nginx-light).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nginxArguments, writeNginxConfig } from '../cluster/nginx-site.ts';

export interface NginxProxy {
  /** https://127.0.0.1:<port> (http:// without TLS) */
  url: string;
  /** The self-signed certificate, for clients that must trust it (TLS only). */
  certificate: string;
  request(
    method: string,
    pathname: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>;
  stop(): Promise<void>;
}
export type TlsProxy = NginxProxy;

export function startTlsProxy({
  upstreamPort,
  consoleDir,
}: {
  upstreamPort: number;
  consoleDir: string;
}): Promise<TlsProxy | null> {
  return startNginxProxy({ upstreamPorts: [upstreamPort], consoleDir, mediaUrls: [], tls: true });
}

export async function startNginxProxy({
  upstreamPorts,
  consoleDir,
  mediaUrls,
  tls,
}: {
  upstreamPorts: number[];
  consoleDir: string;
  /** The LiveKit URLs the nodes give browsers (for the console's CSP). */
  mediaUrls: string[];
  tls: boolean;
}): Promise<NginxProxy | null> {
  if (spawnSync('nginx', ['-v']).error) return null;
  const workDir = await mkdtemp(path.join(tmpdir(), 'switchboard-nginx-'));
  const keyFile = path.join(workDir, 'key.pem');
  const certificateFile = path.join(workDir, 'cert.pem');
  let certificate = '';
  if (tls) {
    const openssl = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certificateFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    if (openssl.status !== 0) throw new Error(`openssl failed: ${openssl.stderr.toString()}`);
    certificate = await readFile(certificateFile, 'utf8');
  }

  const port = await freePort();
  const nginxConf = await writeNginxConfig(
    workDir,
    {
      listen: `127.0.0.1:${port}${tls ? ' ssl' : ''}`,
      nodes: upstreamPorts.map((upstreamPort) => `127.0.0.1:${upstreamPort}`),
      consoleDir,
      mediaUrls,
    },
    { workerConnections: 64, tls: tls ? { certificateFile, keyFile } : undefined },
  );
  const nginx = spawn('nginx', nginxArguments(workDir, nginxConf), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let printed = '';
  nginx.stderr.on('data', (chunk) => (printed += chunk));
  const exited = new Promise<void>((resolve) => nginx.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (nginx.exitCode !== null || Date.now() > deadline) {
      nginx.kill('SIGKILL');
      const log = await readFile(path.join(workDir, 'nginx-error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx did not start:\n${printed}\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const send = tls ? httpsRequest : httpRequest;
  return {
    url,
    certificate,
    request: (method, pathname, { headers = {}, body } = {}) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const outgoing = send(
          `${url}${pathname}`,
          {
            method,
            ca: tls ? certificate : undefined,
            headers: payload ? { 'content-type': 'application/json', ...headers } : headers,
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode!,
                headers: response.headers,
                body:
                  text && response.headers['content-type']?.includes('json')
                    ? JSON.parse(text)
                    : text,
              }),
            );
          },
        );
        outgoing.on('error', reject);
        outgoing.end(payload);
      }),
    stop: async () => {
      if (nginx.exitCode === null) nginx.kill('SIGQUIT');
      await exited;
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
