/**
 * `GET /api/directory`: who and what an agent can transfer a call to. Any signed-in user of the
 * tenant may read it (`/api/users` is for supervisors, admins and the API key): people with
 * their live presence, and ring groups, each with the address to dial and whether it can take
 * a call now (members available, members online, callers waiting), and the skills the tenant's
 * people hold (what a transfer may require). Only the caller's tenant, taken from the token.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Presence } from '../../protocol/session-protocol.ts';
import { authenticateUser } from '../auth/request-auth.ts';
import { RingGroupRepository } from '../ring-groups/ring-group-repository.ts';
import { bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { DatabaseDirectory } from './database-directory.ts';
import { groupAddress, privateAddress } from './directory.ts';
import { waitsInQueue } from '../queues/group-queues.ts';

const DirectoryAgent = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'Display name' }),
  username: Type.String(),
  address: Type.String({ description: 'Dialable address, /private/<username>' }),
  presence: Presence,
});

const DirectoryGroup = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String({ description: 'Dialable address, /group/<name>' }),
  available: Type.Integer({ minimum: 0, description: 'Members available to take a call now' }),
  online: Type.Integer({
    minimum: 0,
    description: 'Members online (available, busy, away or in wrap-up): the queue has someone',
  }),
  waiting: Type.Integer({ minimum: 0, description: 'Callers waiting in its queue now' }),
});

const DirectorySkill = Type.Object({
  name: Type.String({ description: 'Skill name, as a transfer requires it' }),
  highestLevel: Type.Integer({
    minimum: 1,
    maximum: 10,
    description: 'The highest level anyone active in the tenant holds (1–10)',
  }),
});

export const DirectoryListing = Type.Object({
  agents: Type.Array(DirectoryAgent),
  groups: Type.Array(DirectoryGroup),
  skills: Type.Array(DirectorySkill, {
    description: "The skills the tenant's people hold: what a transfer may require",
  }),
});
export type DirectoryListing = Static<typeof DirectoryListing>;

const directoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, async (request) => ({ tenantId: (await authenticateUser(request)).tenantId }));
  const { database, router } = app.services;
  const people = new DatabaseDirectory(database);
  const ringGroups = new RingGroupRepository(database);

  app.get(
    '/directory',
    {
      schema: {
        tags: ['directory'],
        summary: "The tenant's people (with live presence) and ring groups, for transfer pickers",
        security: bearerSecurity,
        response: { 200: DirectoryListing, ...errorResponses(401) },
      },
    },
    async (request): Promise<DirectoryListing> => {
      const { tenantId } = request;
      const [users, groups, skills] = await Promise.all([
        people.users(tenantId),
        ringGroups.list(tenantId),
        people.tenantSkills(tenantId),
      ]);
      const presenceOf = (userId: string) => router.presenceOf(tenantId, userId);
      const liveCalls = router.liveCallsOf(tenantId);
      return {
        agents: users.map((user) => ({
          id: user.id,
          name: user.displayName,
          username: user.username,
          address: privateAddress(user.username),
          presence: router.presenceOf(tenantId, user.id),
        })),
        groups: groups
          .map((group) => ({
            id: group.id,
            name: group.name,
            address: groupAddress(group.name),
            available: count(group.memberIds, (id) => presenceOf(id) === 'available'),
            online: count(group.memberIds, (id) => presenceOf(id) !== 'offline'),
            waiting: count(liveCalls, (call) => waitsInQueue(call, group.id)),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        skills,
      };
    },
  );
};

export default directoryRoutes;

function count<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  let total = 0;
  for (const item of items) if (predicate(item)) total++;
  return total;
}
