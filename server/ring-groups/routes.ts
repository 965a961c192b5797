/**
 * Ring group administration, for a tenant's API key or its admins. Ids of another tenant's
 * groups get the same 404 as ids that never existed.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { MediaLibrary } from '../media-script/media-library.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { IdParams, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { RingGroupRepository } from './ring-group-repository.ts';
import {
  CreateRingGroupBody,
  RingGroupList,
  RingGroupView,
  UpdateRingGroupBody,
  toRingGroupView,
  BUILT_IN_MUSIC,
  DEFAULT_SERVICE_LEVEL_SECONDS,
} from './schemas.ts';

const tags = ['ring-groups'];
const security = bearerSecurity;

/**
 * The waiting audio's files must be in the media directory now (a 400 naming the field
 * otherwise), so a typo is found when it is saved rather than by a caller. The names were
 * already checked by the schema (no folders, no dot files); MediaLibrary resolves links too.
 */
function requireMediaFiles(
  library: MediaLibrary,
  body: { queueGreeting?: string | null; queueMusic?: string | null },
): void {
  for (const field of ['queueGreeting', 'queueMusic'] as const) {
    const name = body[field];
    if (!name || name === BUILT_IN_MUSIC) continue;
    try {
      library.resolve(name);
    } catch (error) {
      if (error instanceof AppError)
        throw new AppError(error.reason, `body/${field}: ${error.message}`);
      throw error;
    }
  }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) => authenticateApiKeyOr(request, ['admin']));
  const { config, database } = app.services;
  const ringGroups = new RingGroupRepository(database);
  const mediaFiles = new MediaLibrary(config.scriptMediaDir);

  app.post(
    '/ring-groups',
    {
      schema: {
        tags,
        security,
        summary: 'Create a ring group',
        body: CreateRingGroupBody,
        response: { 201: RingGroupView, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      requireMediaFiles(mediaFiles, request.body);
      const {
        members,
        ringTimeoutSeconds,
        maxWaitSeconds,
        retryIntervalSeconds,
        serviceLevelSeconds,
        wrapUpSeconds,
        ...settings
      } = request.body;
      const group = await ringGroups.create(tenantId, {
        ...settings,
        memberIds: members ?? [],
        ringTimeoutSeconds: ringTimeoutSeconds ?? config.ringTimeoutSeconds,
        maxWaitSeconds: maxWaitSeconds ?? config.maxQueueWaitSeconds,
        retryIntervalSeconds: retryIntervalSeconds ?? config.retryIntervalSeconds,
        serviceLevelSeconds: serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS,
        wrapUpSeconds: wrapUpSeconds ?? config.wrapUpSeconds,
      });
      app.services.router.ringGroupsChanged(tenantId);
      app.services.queues.groupsChanged(tenantId);
      app.services.adminChanges.changed(tenantId, 'ring-groups');
      return reply.status(201).send(toRingGroupView(group));
    },
  );

  app.get(
    '/ring-groups',
    {
      schema: {
        tags,
        security,
        summary: "List the tenant's ring groups",
        response: { 200: RingGroupList, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      return { ringGroups: (await ringGroups.list(tenantId)).map(toRingGroupView) };
    },
  );

  app.get(
    '/ring-groups/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Read one ring group',
        params: IdParams,
        response: { 200: RingGroupView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const group = await ringGroups.byId(tenantId, request.params.id);
      if (!group) throw notFound('ring group');
      return toRingGroupView(group);
    },
  );

  app.patch(
    '/ring-groups/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a ring group; members, when sent, replace the whole list',
        params: IdParams,
        body: UpdateRingGroupBody,
        response: { 200: RingGroupView, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      requireMediaFiles(mediaFiles, request.body);
      const { members, ...settings } = request.body;
      const group = await ringGroups.update(tenantId, request.params.id, {
        ...settings,
        memberIds: members,
      });
      if (!group) throw notFound('ring group');
      // Routing caches groups briefly; make the change take effect for the next call.
      app.services.router.ringGroupsChanged(tenantId);
      app.services.queues.groupsChanged(tenantId);
      app.services.adminChanges.changed(tenantId, 'ring-groups');
      return toRingGroupView(group);
    },
  );

  app.delete(
    '/ring-groups/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a ring group',
        params: IdParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      if (!(await ringGroups.delete(tenantId, request.params.id))) throw notFound('ring group');
      app.services.router.ringGroupsChanged(tenantId);
      app.services.queues.groupsChanged(tenantId);
      // Its phone numbers now route nowhere, and say so.
      app.services.adminChanges.changed(tenantId, 'ring-groups', 'phone-numbers');
      return reply.status(204).send(null);
    },
  );
};

export default routes;
