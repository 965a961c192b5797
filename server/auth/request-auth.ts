/**
 * Who is calling: a tenant API key (server-to-server) or a user's session token. Both come
 * from `Authorization: Bearer …`; API keys start with `sbk_`, tokens are JWTs. The tenant is
 * always taken from here, never from a request body.
 */
import type { FastifyRequest } from 'fastify';
import type { TokenClaims } from './tokens.ts';
import { AppError } from '../shared/errors.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';

export type Caller =
  { kind: 'api-key'; tenantId: string } | { kind: 'user'; tenantId: string; claims: TokenClaims };

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new AppError('unauthorized', 'missing Authorization: Bearer credentials');
  return match[1];
}

/**
 * Known keys are remembered briefly: a server placing many calls a second would otherwise pay
 * a database lookup per request on the thread that also routes calls. Unknown keys are never
 * cached, so a newly created tenant works at once.
 */
const API_KEY_CACHE_MS = 5_000;
const apiKeyCache = new WeakMap<object, Map<string, { tenantId: string; until: number }>>();

export async function authenticateApiKey(request: FastifyRequest): Promise<{ tenantId: string }> {
  const key = bearer(request);
  if (!key.startsWith('sbk_')) throw new AppError('unauthorized', 'an API key is required');
  const { database } = request.server.services;
  let cache = apiKeyCache.get(database);
  if (!cache)
    apiKeyCache.set(database, (cache = new Map<string, { tenantId: string; until: number }>()));
  const cached = cache.get(key);
  if (cached && cached.until > Date.now()) return { tenantId: cached.tenantId };
  const tenant = await new TenantRepository(database).tenantByApiKey(key);
  if (!tenant) throw new AppError('unauthorized', 'unknown API key');
  if (cache.size > 1_000) cache.clear();
  cache.set(key, { tenantId: tenant.id, until: Date.now() + API_KEY_CACHE_MS });
  return { tenantId: tenant.id };
}

/** Forgets every remembered key: a revoked key is refused from the next request on. Called on
 *  every node of a cluster when any of them revokes a key (AccountEvents.onApiKeyRevoked). */
export function forgetApiKeys(database: object): void {
  apiKeyCache.get(database)?.clear();
}

export async function authenticateUser(request: FastifyRequest): Promise<TokenClaims> {
  const token = bearer(request);
  if (token.startsWith('sbk_')) throw new AppError('unauthorized', 'a user token is required');
  return currentClaims(request, await request.server.services.tokens.verify(token));
}

/**
 * A token is checked against the person as they are now, one primary-key read per request:
 * a deactivated person is refused from their next request (not when their token expires), and
 * a role an admin changed counts at once. API keys, the hot path of call placing, skip this.
 */
async function currentClaims(request: FastifyRequest, claims: TokenClaims): Promise<TokenClaims> {
  const [row] = await request.server.services.database.query<{ role: TokenClaims['role'] }>(
    `SELECT role FROM users WHERE tenant_id = $1 AND id = $2 AND deactivated_at IS NULL`,
    [claims.tenantId, claims.userId],
  );
  if (!row) throw new AppError('unauthorized', 'the user of this token is no longer active');
  return { ...claims, role: row.role };
}

/** API key, or a user token whose role is one of `roles`. */
export async function authenticateApiKeyOr(
  request: FastifyRequest,
  roles: TokenClaims['role'][],
): Promise<Caller> {
  const credential = bearer(request);
  if (credential.startsWith('sbk_'))
    return { kind: 'api-key', ...(await authenticateApiKey(request)) };
  const claims = await currentClaims(
    request,
    await request.server.services.tokens.verify(credential),
  );
  if (!roles.includes(claims.role))
    throw new AppError('forbidden', `requires role ${roles.join(' or ')}`);
  return { kind: 'user', tenantId: claims.tenantId, claims };
}
