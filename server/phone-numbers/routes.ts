/**
 * `/api/phone-numbers`: the numbers a tenant answers, each routed to a ring group, a user or a
 * media script. For the tenant's API key and its admins. Incoming calls read the numbers at the
 * moment they arrive (server/sip), so a change needs no provisioning.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { MediaScriptsUnavailable } from '../media-script/scripted-calls.ts';
import { notFound } from '../shared/errors.ts';
import { IdParams, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { PhoneNumberRepository } from './phone-number-repository.ts';
import {
  CreatePhoneNumberBody,
  PhoneNumberList,
  PhoneNumberView,
  UpdatePhoneNumberBody,
} from './schemas.ts';

const tags = ['phone-numbers'];
const security = bearerSecurity;

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) => authenticateApiKeyOr(request, ['admin']));
  const { database, scripts } = app.services;
  const numbers = new PhoneNumberRepository(database, {
    checkScript: (script) => scripts.prepare(script),
  });

  /**
   * A script destination on a server without ffmpeg is the operator's problem to fix: a 503
   * that says so (not an AppError, whose 5xx would be hidden), as POST /api/calls answers.
   */
  const unlessScriptsUnavailable = async <T>(
    reply: FastifyReply,
    write: () => Promise<T>,
  ): Promise<T | FastifyReply> => {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof MediaScriptsUnavailable)) throw error;
      return reply
        .status(503)
        .send({ error: 'unavailable', message: error.message, statusCode: 503 });
    }
  };

  app.get(
    '/phone-numbers',
    {
      schema: {
        tags,
        security,
        summary: "The tenant's phone numbers and where each routes",
        response: { 200: PhoneNumberList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ phoneNumbers: await numbers.list(request.tenantId) }),
  );

  app.get(
    '/phone-numbers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One phone number',
        params: IdParams,
        response: { 200: PhoneNumberView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const found = await numbers.byId(request.tenantId, request.params.id);
      if (!found) throw notFound('phone number');
      return found;
    },
  );

  app.post(
    '/phone-numbers',
    {
      schema: {
        tags,
        security,
        summary: 'Add a phone number (E.164; one tenant per number) and where its calls go',
        body: CreatePhoneNumberBody,
        response: {
          201: PhoneNumberView,
          ...errorResponses(400, 401, 403, 409, 413, 415, 503),
        },
      },
    },
    async (request, reply) =>
      unlessScriptsUnavailable(reply as FastifyReply, async () => {
        const created = await numbers.create(request.tenantId, request.body);
        app.services.adminChanges.changed(request.tenantId, 'phone-numbers');
        return reply.status(201).send(created);
      }),
  );

  app.patch(
    '/phone-numbers/:id',
    {
      schema: {
        tags,
        security,
        summary: "Change a number's label or destination (the number itself never changes)",
        params: IdParams,
        body: UpdatePhoneNumberBody,
        response: { 200: PhoneNumberView, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
      },
    },
    async (request, reply) =>
      unlessScriptsUnavailable(reply as FastifyReply, async () => {
        const updated = await numbers.update(request.tenantId, request.params.id, request.body);
        if (!updated) throw notFound('phone number');
        app.services.adminChanges.changed(request.tenantId, 'phone-numbers');
        return updated;
      }),
  );

  app.delete(
    '/phone-numbers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Remove a phone number: calls to it are refused from now on',
        params: IdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (!(await numbers.delete(request.tenantId, request.params.id)))
        throw notFound('phone number');
      app.services.adminChanges.changed(request.tenantId, 'phone-numbers');
      return reply.status(204).send(null);
    },
  );
};

export default routes;
