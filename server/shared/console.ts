/**
 * Serves the built Angular console from `consoleDir`, so one process is the whole product.
 * Deep links (/calls, /queue…) get index.html and the console's router takes over; /api/*
 * keeps its JSON 404s. When the console has not been built here (development, API-only
 * deployments, server tests), `GET /` still sends people to it: a redirect to `consoleUrl` (the
 * dev server that `npm start` runs) or, without one, a short page saying where the console and
 * the API docs are, instead of a JSON 404.
 *
 * Compression: `npm run build` writes `x.br` and `x.gz` next to each text file
 * (`precompress.ts`), and files go out as brotli, gzip or plain by the request's
 * Accept-Encoding (`Vary: Accept-Encoding`); nothing is compressed per request. Caching:
 * hashed bundles (`main-ABCD1234.js`, `chunk-….js`, `styles-….css`) are immutable for a year;
 * index.html and every unhashed file are `no-cache` (revalidated each time).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { API_DOCS_PREFIX } from './api-docs.ts';

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

function safeDecode(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

const noConsolePage = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Switchboard call control</title>
<h1>Switchboard call control</h1>
<p>This process serves the API; the console is not built here.</p>
<ul>
  <li>Development: <code>npm start</code> runs the console on <a href="http://localhost:4200/">http://localhost:4200/</a>.</li>
  <li>Production: <code>npm run build</code>, then restart call control to serve it here.</li>
  <li>API reference: <a href="${API_DOCS_PREFIX}">${API_DOCS_PREFIX}</a>.</li>
</ul>
`;

/** Sends `GET /` to the console when this process does not serve it itself. */
function registerRootPointer(app: FastifyInstance, consoleUrl: string | undefined): void {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (consoleUrl) return reply.redirect(consoleUrl, 302);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(noConsolePage);
  });
}

export async function registerConsole(
  app: FastifyInstance,
  consoleDir: string,
  consoleUrl?: string,
): Promise<void> {
  const root = path.resolve(consoleDir);
  if (!(await isFile(path.join(root, 'index.html')))) {
    app.log.debug({ consoleDir: root }, 'console not built; serving the API only');
    registerRootPointer(app, consoleUrl);
    return;
  }
  if (!(await isFile(path.join(root, 'index.html.br')))) {
    app.log.warn(
      { consoleDir: root },
      'console not precompressed (no index.html.br): serving it uncompressed; `npm run build` precompresses it',
    );
  }
  // Only the reply decorator: our own catch-all below decides between a file and index.html.
  // preCompressed: sends `x.br` / `x.gz` when the client accepts it and the file exists.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = safeDecode(request.url.split('?')[0]);
    if (pathname === null) return reply.callNotFound();
    if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
    const relative = path.posix.normalize(pathname).replace(/^\/+/, '');
    const candidate = path.join(root, relative);
    if (relative && candidate.startsWith(root + path.sep) && (await isFile(candidate))) {
      // Angular's build names assets by content hash, so they never change under a name. The
      // hash is 8 characters of letters (either case), digits, `_` or `-` (chunk-3o-0hIPu.js).
      const immutable = /-[A-Za-z0-9_-]{8}\.(js|css)$/.test(relative);
      if (immutable) return reply.sendFile(relative, { maxAge: '365d', immutable: true });
      return reply.header('cache-control', 'no-cache').sendFile(relative, { cacheControl: false });
    }
    // A missing script or image must fail loudly, not come back as HTML with status 200.
    if (path.posix.extname(relative)) return reply.callNotFound();
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  });
}
