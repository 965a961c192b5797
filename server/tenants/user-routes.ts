/**
 * The tenant's people with their dialable addresses: what a console's transfer picker and a
 * supervisor's queue view show. Readable with the API key or a supervisor/admin token.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { DatabaseDirectory } from '../directory/database-directory.ts';
import { UserView, bearerSecurity, errorResponses, toUserView } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';

const UserList = Type.Object({ users: Type.Array(UserView) });

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) => authenticateApiKeyOr(request, ['supervisor', 'admin']));
  const directory = new DatabaseDirectory(app.services.database);

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: "List the tenant's users with their roles and addresses",
        security: bearerSecurity,
        response: { 200: UserList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ users: (await directory.users(request.tenantId)).map(toUserView) }),
  );
};

export default userRoutes;
