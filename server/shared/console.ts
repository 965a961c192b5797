/**
 * Serves the built Angular console from `consoleDir`, so one process is the whole product.
 * Deep links (/calls, /queue…) get index.html and the console's router takes over; /api/*
 * keeps its JSON 404s. Nothing is registered when the console has not been built (API-only
 * deployments, server tests).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

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

export async function registerConsole(app: FastifyInstance, consoleDir: string): Promise<void> {
  const root = path.resolve(consoleDir);
  if (!(await isFile(path.join(root, 'index.html')))) {
    app.log.info({ consoleDir: root }, 'console not built; serving the API only');
    return;
  }
  // Only the reply decorator: our own catch-all below decides between a file and index.html.
  await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = safeDecode(request.url.split('?')[0]!);
    if (pathname === null) return reply.callNotFound();
    if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
    const relative = path.posix.normalize(pathname).replace(/^\/+/, '');
    const candidate = path.join(root, relative);
    if (relative && candidate.startsWith(root + path.sep) && (await isFile(candidate))) {
      // Angular's build names assets by content hash, so they never change under a name.
      const immutable = /-[A-Z0-9]{8}\.(js|css)$/.test(relative);
      return reply.sendFile(
        relative,
        immutable ? { maxAge: '365d', immutable: true } : { maxAge: 0 },
      );
    }
    // A missing script or image must fail loudly, not come back as HTML with status 200.
    if (path.posix.extname(relative)) return reply.callNotFound();
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  });
}
