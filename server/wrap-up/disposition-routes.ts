/**
 * `/api/dispositions`: the tenant's list of call outcomes agents pick in wrap-up. Anyone signed
 * in to the tenant (or its API key) reads it; admins and the API key add and change entries.
 * Entries are deactivated, never deleted, because wrap-ups and reports keep their codes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { notFound } from '../shared/errors.ts';
import { IdParams, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { DispositionRepository } from './disposition-repository.ts';
import {
  CreateDispositionBody,
  DispositionList,
  DispositionView,
  UpdateDispositionBody,
} from './schemas.ts';

const tags = ['wrap-up'];
const security = bearerSecurity;

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) =>
    authenticateApiKeyOr(
      request,
      request.method === 'GET' ? ['agent', 'supervisor', 'admin'] : ['admin'],
    ),
  );
  const dispositions = new DispositionRepository(app.services.database);

  app.get(
    '/dispositions',
    {
      schema: {
        tags,
        security,
        summary: "The tenant's dispositions in picker order, inactive ones included (flagged)",
        response: { 200: DispositionList, ...errorResponses(401) },
      },
    },
    async (request) => ({ dispositions: await dispositions.list(request.tenantId) }),
  );

  app.post(
    '/dispositions',
    {
      schema: {
        tags,
        security,
        summary: 'Add a disposition (admins and the API key)',
        body: CreateDispositionBody,
        response: { 201: DispositionView, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await dispositions.create(request.tenantId, request.body)),
  );

  app.patch(
    '/dispositions/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'Relabel, reorder, deactivate or reactivate a disposition (its code never changes)',
        params: IdParams,
        body: UpdateDispositionBody,
        response: { 200: DispositionView, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const updated = await dispositions.update(request.tenantId, request.params.id, request.body);
      if (!updated) throw notFound('disposition');
      return updated;
    },
  );
};

export default routes;
