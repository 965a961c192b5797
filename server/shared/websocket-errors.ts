/**
 * What happens when a WebSocket of ours errors (every socket of `/api/session` and
 * `/api/supervisor/feed`). A client that breaks the protocol (oversized frame, text that is not
 * UTF-8, bad framing) or drops its connection uncleanly did something only it can fix: `ws` has
 * already sent the standard close code, and the log gets one rate-limited warning per kind.
 * Anything else is ours and goes to the error log.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { RateLimitedLog } from './rate-limited-log.ts';

const CLIENT_NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function clientFault(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  return code.startsWith('WS_ERR_') || CLIENT_NETWORK_ERRORS.has(code) ? code : undefined;
}

export function websocketErrorHandler(log: FastifyBaseLogger) {
  const clientErrors = new RateLimitedLog(log);
  return (error: Error, socket: WebSocket, request: FastifyRequest) => {
    const code = clientFault(error);
    if (code)
      clientErrors.warn(
        code,
        { path: request.url.split('?')[0], reason: error.message },
        'client WebSocket protocol error; socket closed',
      );
    else request.log.error({ err: error }, 'WebSocket error');
    socket.terminate();
  };
}
