/**
 * Credentials ride in query strings where headers are impossible (a browser's WebSocket:
 * `/api/session?token=…`, LiveKit's `/rtc?access_token=…`), so every URL the log sees goes
 * through `redactUrl` first: the request serializer of the app's logger uses it.
 */
import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are credentials, whatever their case. */
const CREDENTIAL_PARAMETER = /token|secret|password|key|auth|signature/i;

export const REDACTED = '[redacted]';

/** The URL with the value of every credential-like query parameter replaced by [redacted]. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && CREDENTIAL_PARAMETER.test(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

/** Fastify's own request serializer, with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
