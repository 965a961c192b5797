/**
 * The tenant's server-to-server API, authenticated with its API key. Subscriber Access Tokens:
 * find or create a user by reference, then mint a short-lived token for them. This module is
 * what app.ts registers for the tenants feature, so it also mounts the people list.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKey } from '../auth/request-auth.ts';
import { privateAddress } from '../directory/directory.ts';
import { Role, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { TenantRepository } from './tenant-repository.ts';
import userRoutes from './user-routes.ts';

const SubscriberTokenBody = Type.Object(
  {
    reference: Type.String({
      minLength: 1,
      maxLength: 254,
      description: 'Usually an email; identifies the user',
    }),
    first_name: Type.Optional(Type.String({ maxLength: 100 })),
    last_name: Type.Optional(Type.String({ maxLength: 100 })),
    password: Type.Optional(
      Type.String({ minLength: 8, maxLength: 200, description: 'Lets the user sign in too' }),
    ),
    role: Type.Optional(Role),
  },
  { additionalProperties: false },
);

const SubscriberToken = Type.Object({
  token: Type.String(),
  expiresAt: Type.Number({ description: 'Epoch milliseconds' }),
  subscriber: Type.Object({
    id: Type.String(),
    reference: Type.String(),
    address: Type.String({ description: '/private/<username>' }),
  }),
});

const displayName = (first?: string, last?: string) =>
  [first?.trim(), last?.trim()].filter(Boolean).join(' ');

const subscriberTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, authenticateApiKey);
  const { database, tokens } = app.services;
  const tenants = new TenantRepository(database);

  app.post(
    '/subscribers/tokens',
    {
      schema: {
        tags: ['subscribers'],
        summary:
          'Create the user if the reference is new (an existing user is left unchanged) and mint a token',
        security: bearerSecurity,
        body: SubscriberTokenBody,
        response: { 200: SubscriberToken, ...errorResponses(400, 401, 409, 413, 415) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { reference, first_name, last_name, password, role } = request.body;
      const { user, created } = await tenants.findOrCreateUser(tenantId, {
        reference,
        displayName: displayName(first_name, last_name) || reference,
        password,
        role,
      });
      if (created) app.services.accounts.changed(tenantId);
      const issued = await tokens.issue({ tenantId, userId: user.id, role: user.role });
      return {
        ...issued,
        subscriber: {
          id: user.id,
          reference: user.reference,
          address: privateAddress(user.username),
        },
      };
    },
  );
};

const routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(subscriberTokenRoutes);
  await app.register(userRoutes);
};

export default routes;
