/**
 * The tenant's people with their dialable addresses: what a console's transfer picker and a
 * supervisor's queue view show. Readable with the API key or a supervisor/admin token.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { DatabaseDirectory } from '../directory/database-directory.ts';
import { notFound } from '../shared/errors.ts';
import {
  IdParams,
  SkillLevels,
  UserView,
  bearerSecurity,
  errorResponses,
  toUserView,
} from '../shared/schemas.ts';
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

  const Skills = Type.Object({ skills: SkillLevels }, { additionalProperties: false });

  app.get(
    '/users/:id/skills',
    {
      schema: {
        tags: ['users'],
        summary: "A user's skills with their levels",
        security: bearerSecurity,
        params: IdParams,
        response: { 200: Skills, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      if (!(await directory.user(tenantId, request.params.id))) throw notFound('user');
      return { skills: await directory.skills(tenantId, request.params.id) };
    },
  );

  app.put(
    '/users/:id/skills',
    {
      // Changing who may take which calls is an admin's (or the API key's) business.
      preHandler: async (request) => {
        const caller = await authenticateApiKeyOr(request, ['admin']);
        if (caller.tenantId !== request.tenantId) throw notFound('user');
      },
      schema: {
        tags: ['users'],
        summary: "Replace a user's skills; calls requiring skills see them at once",
        security: bearerSecurity,
        params: IdParams,
        body: Skills,
        response: { 200: Skills, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const userId = request.params.id;
      if (!(await directory.user(tenantId, userId))) throw notFound('user');
      await directory.setSkills(tenantId, userId, request.body.skills);
      const skills = await directory.skills(tenantId, userId);
      app.services.router.setAgentSkills(tenantId, userId, skills);
      app.services.accounts.changed(tenantId);
      return { skills };
    },
  );
};

export default userRoutes;
