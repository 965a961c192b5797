/**
 * Security headers on everything call control serves (@fastify/helmet): nosniff, a referrer
 * policy, no framing, and a Content-Security-Policy for the console that lets it load only its
 * own files and connect only to its own origin (the API, `/api/session`) and to the LiveKit URL
 * browsers are given (WebSocket signalling and its HTTP validate/region requests). Angular
 * Material sets inline styles, hence `style-src 'unsafe-inline'`; scripts stay `'self'` only.
 * HSTS only over TLS: on plain HTTP it would be ignored at best. Call control listens on plain
 * HTTP behind a TLS-terminating proxy (deploy/nginx); TRUST_PROXY names that proxy, whose
 * X-Forwarded-Proto then makes `request.protocol` https. The API docs (Swagger UI) send
 * their own policy, with hashes for their inline scripts.
 */
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/** The origins a LiveKit URL is reached at: its WebSocket form and its HTTP form. */
export function livekitOrigins(livekitUrl: string): string[] {
  const url = new URL(livekitUrl);
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const host = url.host;
  return [`${secure ? 'wss' : 'ws'}://${host}`, `${secure ? 'https' : 'http'}://${host}`];
}

export async function registerSecurityHeaders(
  app: FastifyInstance,
  { mediaUrl }: { mediaUrl: string },
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        // livekit-client runs its media workers from blob: URLs.
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...livekitOrigins(mediaUrl)],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Sent below, and only over TLS.
    strictTransportSecurity: false,
    // The console loads nothing cross-origin that would opt in; this would only break media.
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}
