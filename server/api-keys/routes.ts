/**
 * API keys, for the tenant's admins (or an API key): create (the key is in that one response),
 * list with label and last use, revoke. A revoked key is refused from the next request on:
 * revoking forgets the keys request-auth.ts remembers.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { notFound } from '../shared/errors.ts';
import { IdParams, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { ApiKeyRepository } from './api-key-repository.ts';

const ApiKeyView = Type.Object({
  id: Type.String(),
  label: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Noted at most every few seconds',
  }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const CreatedApiKey = Type.Intersect([
  ApiKeyView,
  Type.Object({ key: Type.String({ description: 'The key itself: shown this once only' }) }),
]);

const CreateApiKeyBody = Type.Object(
  {
    label: Type.String({
      minLength: 1,
      maxLength: 80,
      pattern: '\\S',
      description: 'What the key is for, e.g. "CRM integration"',
    }),
  },
  { additionalProperties: false },
);

const tags = ['api-keys'];
const security = bearerSecurity;

const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) => authenticateApiKeyOr(request, ['admin']));
  const keys = new ApiKeyRepository(app.services.database);

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        security,
        summary: "List the tenant's API keys (never the keys themselves)",
        response: {
          200: Type.Object({ apiKeys: Type.Array(ApiKeyView) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => ({ apiKeys: await keys.list(request.tenantId) }),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'Create an API key; the response holds the key, shown this once',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const { record, key } = await keys.create(request.tenantId, request.body.label.trim());
      app.services.adminChanges.changed(request.tenantId, 'api-keys');
      return reply.status(201).send({ ...record, key });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke an API key: refused from the next request on, kept in the list',
        params: IdParams,
        response: { 200: ApiKeyView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const revoked = await keys.revoke(request.tenantId, request.params.id);
      if (!revoked) throw notFound('API key');
      // Forgotten by every node's key cache before the answer goes out.
      await app.services.accounts.apiKeyRevoked(request.tenantId);
      app.services.adminChanges.changed(request.tenantId, 'api-keys');
      return revoked;
    },
  );
};

export default apiKeyRoutes;
