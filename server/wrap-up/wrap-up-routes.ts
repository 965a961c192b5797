/**
 * `/api/calls/:callId/wrap-up`: the signed-in agent's own after-call record of a call they
 * handled: the disposition they picked and their note. Editable while the call is live and for
 * WRAP_UP_EDIT_HOURS after it ended; only agents who answered the call may write one.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateUser } from '../auth/request-auth.ts';
import { AppError } from '../shared/errors.ts';
import { bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { handlingOf, type CallHandling, type CallLookup } from './call-handling.ts';
import { DispositionRepository } from './disposition-repository.ts';
import { WrapUpRepository, type WrapUpRecord } from './wrap-up-repository.ts';
import { CallIdParams, WrapUpBody, WrapUpView } from './schemas.ts';

const tags = ['wrap-up'];
const security = bearerSecurity;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by this plugin's authentication hook. */
    wrapUpUserId: string;
  }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('wrapUpUserId', '');
  scopeToTenant(app, async (request) => {
    const claims = await authenticateUser(request);
    request.wrapUpUserId = claims.userId;
    return { tenantId: claims.tenantId };
  });
  const { config, database, router, records } = app.services;
  const wrapUps = new WrapUpRepository(database);
  const dispositions = new DispositionRepository(database);
  const calls: CallLookup = {
    liveCall: (tenantId, callId) => router.liveCall(tenantId, callId),
    recordedCall: (tenantId, callId) => records.find(tenantId, callId),
  };
  const editWindowMs = config.wrapUpEditHours * 3_600_000;
  const editableUntil = (handling: CallHandling) =>
    handling.callEndedAt === null ? null : handling.callEndedAt + editWindowMs;

  const view = (
    callId: string,
    userId: string,
    handling: CallHandling,
    record: WrapUpRecord | null,
  ): WrapUpView => ({
    callId,
    userId,
    dispositionCode: record?.dispositionCode ?? null,
    note: record?.note ?? '',
    startedAt: record?.startedAt ?? null,
    endedAt: record?.endedAt ?? null,
    updatedAt: record?.updatedAt ?? null,
    editableUntil: editableUntil(handling),
  });

  app.get(
    '/calls/:callId/wrap-up',
    {
      schema: {
        tags,
        security,
        summary: 'Your wrap-up of a call you handled (empty until something is saved)',
        params: CallIdParams,
        response: { 200: WrapUpView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { tenantId, wrapUpUserId: userId } = request;
      const { callId } = request.params;
      const handling = await handlingOf(calls, tenantId, callId, userId);
      return view(callId, userId, handling, await wrapUps.find(tenantId, callId, userId));
    },
  );

  app.put(
    '/calls/:callId/wrap-up',
    {
      schema: {
        tags,
        security,
        summary:
          'Save your disposition and note for a call you handled (fields left out keep their saved value)',
        params: CallIdParams,
        body: WrapUpBody,
        response: { 200: WrapUpView, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const { tenantId, wrapUpUserId: userId } = request;
      const { callId } = request.params;
      const handling = await handlingOf(calls, tenantId, callId, userId);
      const now = Date.now();
      const until = editableUntil(handling);
      if (until !== null && now > until)
        throw new AppError(
          'wrong-state',
          `the wrap-up of call ${callId} can no longer be changed (editable for ${config.wrapUpEditHours} h after the call)`,
        );
      const saved = await wrapUps.find(tenantId, callId, userId);
      const { dispositionCode, note } = request.body;
      // Re-saving a disposition that was deactivated since is fine; choosing one is not.
      if (dispositionCode && dispositionCode !== saved?.dispositionCode) {
        const disposition = await dispositions.byCode(tenantId, dispositionCode);
        if (!disposition?.active)
          throw new AppError(
            'bad-request',
            `dispositionCode "${dispositionCode}" is not an active disposition of this tenant`,
          );
      }
      // The call's row is written behind routing; make sure it is there before referring to it.
      await records.flush();
      const record = await wrapUps.save(tenantId, {
        callId,
        userId,
        dispositionCode:
          dispositionCode === undefined ? (saved?.dispositionCode ?? null) : dispositionCode,
        note: note ?? saved?.note ?? '',
        startedAt: saved?.startedAt ?? handling.partEndedAt ?? now,
        updatedAt: now,
      });
      return view(callId, userId, handling, record);
    },
  );
};

export default routes;
