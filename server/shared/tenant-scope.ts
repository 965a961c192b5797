/**
 * Puts every route of a plugin behind one authentication step that runs on request, before
 * the body is parsed or validated: an unauthenticated caller learns nothing, not even whether
 * its body would have been accepted. Handlers then read `request.tenantId`, never a body field.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller's tenant; set by `scopeToTenant`. */
    tenantId: string;
  }
}

export function scopeToTenant(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  authenticate: (request: FastifyRequest) => Promise<{ tenantId: string }>,
): void {
  app.decorateRequest('tenantId', '');
  app.addHook('onRequest', async (request) => {
    request.tenantId = (await authenticate(request)).tenantId;
  });
}
