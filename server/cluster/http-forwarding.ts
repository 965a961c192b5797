/**
 * The HTTP API on any node of a cluster. Requests that read or change a tenant's live routing
 * (place or hang up a call, the directory's presence, supervisor actions, ring groups, wrap-up)
 * are answered by the tenant's owner: a node that does not own the tenant sends the request on
 * to the owner's HTTP API and relays its answer as is. The tenant comes from the credentials
 * (API key or token), as in every route; requests without credentials stay here and are refused
 * here. Forwarded requests carry `x-switchboard-forwarded` and are never sent on again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../auth/request-auth.ts';
import type { ClusterNode } from './cluster-node.ts';

export const FORWARDED_HEADER = 'x-switchboard-forwarded';

/** Answered by any node: no live routing state behind them (or their own transport). */
const LOCAL_PATHS = [
  '/api/session',
  '/api/supervisor/feed',
  '/api/auth/',
  '/api/docs',
  '/api/livekit/',
  '/api/health',
];

/** How long a request waits for a tenant between owners (a failover takes about a lease). */
const OWNER_WAIT_MS = 8_000;

async function tenantOf(request: FastifyRequest): Promise<string | null> {
  const match = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return null;
  try {
    if (match[1].startsWith('sbk_')) return (await authenticateApiKey(request)).tenantId;
    return (await request.server.services.tokens.verify(match[1])).tenantId;
  } catch {
    return null; // the route refuses it, here
  }
}

export function registerClusterForwarding(
  app: FastifyInstance,
  cluster: ClusterNode,
  advertiseUrl?: string,
): void {
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (advertiseUrl) cluster.advertise(advertiseUrl);
    else if (address && typeof address === 'object') {
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      cluster.advertise(
        `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
      );
    }
  });

  app.get('/api/health', { schema: { hide: true } }, async () => ({
    node: cluster.nodeId,
    redis: cluster.redisReachable ? 'reachable' : 'unreachable',
    tenants: cluster.ownedTenants().length,
  }));

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url;
    if (!path.startsWith('/api/') || request.headers[FORWARDED_HEADER]) return;
    if (LOCAL_PATHS.some((prefix) => path.startsWith(prefix))) return;
    const tenantId = await tenantOf(request);
    if (!tenantId) return;
    if (await answeredByOwner(cluster, tenantId, request, reply)) return reply;
  });
}

/**
 * Sends the request on to the tenant's owner and relays its answer (waiting a failover's time
 * for a tenant between owners, then 503). False when this node owns the tenant: answer it here.
 */
export async function answeredByOwner(
  cluster: ClusterNode,
  tenantId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const giveUpAt = Date.now() + OWNER_WAIT_MS;
  for (;;) {
    const owner = await cluster.ownerOf(tenantId);
    if (owner === cluster.nodeId) return false; // ours: answered here
    const url = owner ? await cluster.nodeUrl(owner) : null;
    if (url) {
      const forwarded = await forward(request, url).catch(() => null);
      if (forwarded) {
        reply.status(forwarded.status);
        const type = forwarded.headers.get('content-type');
        if (type) reply.header('content-type', type);
        reply.send(Buffer.from(await forwarded.arrayBuffer()));
        return true;
      }
    }
    if (Date.now() > giveUpAt) {
      reply.status(503).send({
        error: 'unavailable',
        message: 'this tenant is moving to another node; try again',
        statusCode: 503,
      });
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function forward(request: FastifyRequest, baseUrl: string): Promise<Response> {
  const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  for (const name of ['authorization', 'content-type', 'accept'] as const) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const hasBody = request.body !== undefined && request.method !== 'GET';
  // A body kept as received (a LiveKit webhook: its signature covers the exact bytes) goes as is.
  const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  return fetch(`${baseUrl}${request.url}`, {
    method: request.method,
    headers,
    body: hasBody ? body : undefined,
  });
}
