/**
 * Turns the deployment example (deploy/nginx/switchboard.conf) into a runnable nginx: its
 * placeholders filled in, wrapped in a minimal nginx.conf whose every path is under one working
 * directory (no root, no /var). The one place that does this, for `npm run start:cluster` and
 * for the tests that put a real nginx in front of call control (server/test/tls-proxy.ts), so
 * what they run is what the file ships.
 *
 *   const nginxConf = await writeNginxConfig(workDir, { listen: '127.0.0.1:8080', … });
 *   spawn('nginx', nginxArguments(workDir, nginxConf));
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { livekitOrigins } from '../shared/security-headers.ts';

const siteTemplate = fileURLToPath(new URL('../../deploy/nginx/switchboard.conf', import.meta.url));

export interface NginxSite {
  /** What follows `listen`: `127.0.0.1:8080`, or `127.0.0.1:8443 ssl`. */
  listen: string;
  /** The call-control nodes, `host:port` each. */
  nodes: string[];
  /** The built console (dist/switchboard/browser). */
  consoleDir: string;
  /** The LiveKit URLs the nodes give browsers (each node's LIVEKIT_PUBLIC_URL or its own). */
  mediaUrls: string[];
  /** Added to each node's `server` line (a dead node is skipped for a while). */
  nodeOptions?: string;
}

export interface NginxOptions {
  workerConnections?: number;
  /** PEM files, for a `listen … ssl`. */
  tls?: { certificateFile: string; keyFile: string };
}

/** deploy/nginx/switchboard.conf with its placeholders filled in (on configuration lines only:
 *  the comments name them too). */
export async function renderSite(site: NginxSite): Promise<string> {
  const options = site.nodeOptions ? ` ${site.nodeOptions}` : '';
  const values: Record<string, string> = {
    __LISTEN__: site.listen,
    __CONSOLE_DIR__: site.consoleDir,
    __NODES__: site.nodes.map((node) => `server ${node}${options};`).join('\n    '),
    __MEDIA_ORIGINS__: [...new Set(site.mediaUrls.flatMap(livekitOrigins))].join(' '),
  };
  return (await readFile(siteTemplate, 'utf8'))
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/__[A-Z_]+__/g, (name) => values[name] ?? name),
    )
    .join('\n');
}

/** Writes `switchboard.conf` and `nginx.conf` into `workDir`; returns the nginx.conf path. */
export async function writeNginxConfig(
  workDir: string,
  site: NginxSite,
  { workerConnections = 1024, tls }: NginxOptions = {},
): Promise<string> {
  const tmp = path.join(workDir, 'tmp');
  await mkdir(tmp, { recursive: true });
  const siteFile = path.join(workDir, 'switchboard.conf');
  await writeFile(siteFile, await renderSite(site));
  const nginxConf = path.join(workDir, 'nginx.conf');
  await writeFile(
    nginxConf,
    `worker_processes 1;
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
events { worker_connections ${workerConnections}; }
http {
  include /etc/nginx/mime.types;
  access_log off;
${tls ? `  ssl_certificate ${tls.certificateFile};\n  ssl_certificate_key ${tls.keyFile};\n` : ''}  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  include ${siteFile};
}
`,
  );
  return nginxConf;
}

/** nginx in the foreground on that configuration, logging under `workDir`. */
export function nginxArguments(workDir: string, nginxConf: string): string[] {
  const errorLog = path.join(workDir, 'nginx-error.log');
  return ['-p', workDir, '-c', nginxConf, '-e', errorLog, '-g', 'daemon off;'];
}
