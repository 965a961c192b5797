/**
 * `POST /api/supervisor/calls/:callId/assign`: a supervisor pulls a waiting (or ringing) call to
 * one agent. Only that agent's tabs ring, for the group's ring timeout; unanswered, the call
 * rings as usual again and keeps its place in the queue. Supervisors and admins of the tenant
 * only; another tenant's call and user ids are unknown ids.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AssignCallBody, SupervisorCall } from '../../protocol/supervisor-protocol.ts';
import { authenticateUser } from '../auth/request-auth.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { callView } from './supervisor-views.ts';

const CallIdParams = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 64 }) });

const assignRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  const { directory, router } = app.services;
  scopeToTenant(app, async (request) => {
    const claims = await authenticateUser(request);
    if (claims.role !== 'supervisor' && claims.role !== 'admin')
      throw new AppError('forbidden', 'requires role supervisor or admin');
    return claims;
  });

  app.post(
    '/supervisor/calls/:callId/assign',
    {
      schema: {
        tags: ['supervisor'],
        security: bearerSecurity,
        summary: 'Ring a waiting call at one agent only',
        description:
          'Rings every online tab of the agent for the ring timeout of the call’s group; if the ' +
          'agent does not answer, the call rings as usual again. 409 when the call is connected ' +
          'or ended, or the agent is not available.',
        params: CallIdParams,
        body: AssignCallBody,
        response: {
          202: SupervisorCall,
          ...errorResponses(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      const { callId } = request.params;
      const { userId } = request.body;
      if (!router.liveCall(tenantId, callId)) throw notFound(`call ${callId}`);
      const user = await directory.user(tenantId, userId);
      if (!user) throw notFound(`user ${userId}`);
      const call = router.assignCall(tenantId, callId, { id: user.id, name: user.displayName });
      const nameOf = (id: string) =>
        id === user.id ? user.displayName : (router.agentStateOf(tenantId, id)?.name ?? id);
      const view = callView(call, nameOf);
      // assignCall leaves the call ringing, so it has a view; null would be a routing bug.
      if (!view) throw new Error(`assigned call ${callId} has no supervisor view`);
      return reply.code(202).send(view);
    },
  );
};

export default assignRoute;
