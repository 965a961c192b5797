/**
 * Calls over HTTP: place a server-side call, read one, hang one up, list recent records.
 * For a tenant's API key (server-to-server) or its supervisors and admins. A live call is read
 * from the router; once it is gone, from its record. Other tenants' ids are plain 404s.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { authenticateApiKeyOr, type Caller } from '../auth/request-auth.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { IdParams, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { MediaScriptsUnavailable } from '../media-script/scripted-calls.ts';
import { isPhoneNumberLike } from '../phone-numbers/phone-number-format.ts';
import type { PlanStep } from '../media-script/script-schema.ts';
import { CallDetail, CallbackStarted, PlaceCallBody } from './call-schemas.ts';
import { NEEDS_LIVEKIT_SIP } from '../sip/phone-dialing.ts';

const tags = ['calls'];
const security = bearerSecurity;

const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  const callers = new WeakMap<FastifyRequest, Caller>();
  scopeToTenant(app, async (request) => {
    const caller = await authenticateApiKeyOr(request, ['supervisor', 'admin']);
    callers.set(request, caller);
    return caller;
  });
  const { router, records, scripts, limits, sip, directory } = app.services;

  app.post(
    '/calls',
    {
      schema: {
        tags,
        security,
        summary:
          'Place a server-side call to /private/<username> or /group/<name>, or call a phone back',
        body: PlaceCallBody,
        response: {
          201: CallDetail,
          202: CallbackStarted,
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { from, to, params, script, priority, skills } = request.body;
      // A phone number: a callback (server/sip/phone-callbacks.ts). The phone is rung first;
      // `from` is who takes the call once it answers.
      if (isPhoneNumberLike(to)) {
        if (!sip) throw new AppError('wrong-state', NEEDS_LIVEKIT_SIP);
        if (script) throw new AppError('bad-request', 'a call to a phone number takes no script');
        const started = await sip.callPhone(request.tenantId, {
          to,
          from: typeof from === 'string' ? from : (from.address ?? from.name),
          ...(params ? { params } : {}),
          ...(priority !== undefined ? { priority } : {}),
          ...(skills ? { skills } : {}),
        });
        return reply.status(202).send(started);
      }
      // A script is checked before the call exists: a bad one creates nothing.
      let plan: PlanStep[] | undefined;
      try {
        plan = script && scripts.prepare(script);
      } catch (error) {
        if (!(error instanceof MediaScriptsUnavailable)) throw error;
        // Not an AppError: 5xx are otherwise hidden; this one tells the operator what to fix.
        return (reply as FastifyReply)
          .status(503)
          .send({ error: 'unavailable', message: error.message, statusCode: 503 });
      }
      const caller =
        typeof from === 'string'
          ? { name: from, address: from }
          : { name: from.name, address: from.address ?? from.name };
      const { tenantId } = request;
      const placedBy = callers.get(request)!;
      const call = await limits.place(
        placedBy.kind === 'user'
          ? { tenantId, userId: placedBy.claims.userId }
          : { tenantId, apiKey: true },
        () =>
          router.placeCall(tenantId, {
            from: caller,
            to,
            params,
            priority,
            requiredSkills: skills,
            ...(placedBy.kind === 'user' ? { placedByUserId: placedBy.claims.userId } : {}),
          }),
        (placed) => placed.status === 'ended',
      );
      if (plan) scripts.register(request.tenantId, call.id, plan);
      // The 201 promises the call exists: its record is written first, so a crash right after
      // cannot lose it (the next boot records it as failed).
      await records.flush();
      return reply.status(201).send(call);
    },
  );

  app.get(
    '/calls',
    {
      schema: {
        tags,
        security,
        summary: 'Recent calls, newest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({ calls: Type.Array(CallDetail) }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({
      calls: await records.recent(request.tenantId, request.query.limit ?? 50),
    }),
  );

  app.get(
    '/calls/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One call: live state while it lasts, then its record',
        params: IdParams,
        response: { 200: CallDetail, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const call =
        router.liveCall(tenantId, request.params.id) ??
        (await records.find(tenantId, request.params.id));
      if (!call) throw notFound(`call ${request.params.id}`);
      return call;
    },
  );

  app.post(
    '/calls/:id/hangup',
    {
      schema: {
        tags,
        security,
        summary:
          "Hang up (or, while it rings, cancel) a call on the caller's behalf; with a person's " +
          'token the record says that supervisor or admin ended it (endedBy)',
        params: IdParams,
        response: { 200: CallDetail, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { id } = request.params;
      if (router.liveCall(tenantId, id)) {
        const caller = callers.get(request)!;
        if (caller.kind === 'api-key') return router.hangupCall(tenantId, id);
        const { userId } = caller.claims;
        const person = await directory.user(tenantId, userId);
        return router.hangupCall(tenantId, id, {
          kind: 'supervisor',
          user: { id: userId, name: person?.displayName ?? '' },
        });
      }
      const recorded = await records.find(tenantId, id);
      if (!recorded) throw notFound(`call ${id}`);
      throw new AppError('wrong-state', `call ${id} has already ended`);
    },
  );
};

export default routes;
