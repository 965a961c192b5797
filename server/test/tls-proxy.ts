/**
 * The documented deployment's front (deploy/nginx/switchboard.conf) as a real nginx terminating
 * TLS with a certificate made for the test (Debian's openssl), in front of one call-control
 * server: for tests of what call control does behind a TLS proxy (HSTS, client addresses).
 *
 *   const proxy = await startTlsProxy({ upstreamPort: server.config.port, consoleDir });
 *   const response = await proxy.request('GET', '/api/...');
 *   await proxy.stop();
 *
 * `startTlsProxy` resolves null when nginx is not installed (CI installs nginx-light).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TlsProxy {
  /** https://127.0.0.1:<port> */
  url: string;
  /** The self-signed certificate, for clients that must trust it. */
  certificate: string;
  request(
    method: string,
    pathname: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>;
  stop(): Promise<void>;
}

const siteTemplate = fileURLToPath(new URL('../../deploy/nginx/switchboard.conf', import.meta.url));

export async function startTlsProxy({
  upstreamPort,
  consoleDir,
}: {
  upstreamPort: number;
  consoleDir: string;
}): Promise<TlsProxy | null> {
  if (spawnSync('nginx', ['-v']).error) return null;
  const workDir = await mkdtemp(path.join(tmpdir(), 'switchboard-tls-'));
  const keyFile = path.join(workDir, 'key.pem');
  const certFile = path.join(workDir, 'cert.pem');
  const openssl = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  if (openssl.status !== 0) throw new Error(`openssl failed: ${openssl.stderr.toString()}`);
  const certificate = await readFile(certFile, 'utf8');

  const port = await freePort();
  const values: Record<string, string> = {
    __LISTEN__: `127.0.0.1:${port} ssl`,
    __CONSOLE_DIR__: consoleDir,
    __NODES__: `server 127.0.0.1:${upstreamPort};`,
  };
  // The placeholders are filled in on configuration lines only (the comments name them too).
  const site = (await readFile(siteTemplate, 'utf8'))
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/__[A-Z_]+__/g, (name) => values[name] ?? name),
    )
    .join('\n');
  await writeFile(path.join(workDir, 'switchboard.conf'), site);
  const tmp = path.join(workDir, 'tmp');
  await mkdir(tmp);
  await writeFile(
    path.join(workDir, 'nginx.conf'),
    `worker_processes 1;
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  ssl_certificate ${certFile};
  ssl_certificate_key ${keyFile};
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  include ${workDir}/switchboard.conf;
}
`,
  );
  const nginx = spawn(
    'nginx',
    [
      '-p',
      workDir,
      '-c',
      `${workDir}/nginx.conf`,
      '-e',
      `${workDir}/nginx-error.log`,
      '-g',
      'daemon off;',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
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

  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    certificate,
    request: (method, pathname, { headers = {}, body } = {}) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const outgoing = httpsRequest(
          `${url}${pathname}`,
          {
            method,
            ca: certificate,
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
