/**
 * `/api/history`: searchable, paged call history and each call's timeline. Agents see the calls
 * they handled or placed (and only their own wrap-ups); supervisors, admins and the tenant's API
 * key see the whole tenant and may filter by group and agent. Another tenant's call, group or
 * agent is simply not found.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { HistoryRepository } from './history-repository.ts';
import {
  CallIdParams,
  CallTimeline,
  HistoryPage,
  HistoryQuery,
  MAX_RANGE_DAYS,
} from './history-schemas.ts';

const tags = ['history'];
const security = bearerSecurity;
const DAY_MS = 86_400_000;
/** Without `from`, history looks back this far from `to`. */
const DEFAULT_RANGE_DAYS = 30;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for agents: history is limited to this agent's calls. */
    historyAgentId: string | null;
  }
}

/** The range asked for, checked: `from` before `to`, at most MAX_RANGE_DAYS. */
export function checkedRange(
  query: { from?: number; to?: number },
  now: number,
  defaultDays: number,
): { from: number; to: number } {
  const to = query.to ?? now;
  const from = query.from ?? to - defaultDays * DAY_MS;
  if (from >= to) throw new AppError('bad-request', 'querystring/from must be before to');
  if (to - from > MAX_RANGE_DAYS * DAY_MS)
    throw new AppError('bad-request', `the range must be at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('historyAgentId', null);
  scopeToTenant(app, async (request) => {
    const caller = await authenticateApiKeyOr(request, ['agent', 'supervisor', 'admin']);
    request.historyAgentId =
      caller.kind === 'user' && caller.claims.role === 'agent' ? caller.claims.userId : null;
    return caller;
  });
  const { database, records } = app.services;
  const history = new HistoryRepository(database);

  app.get(
    '/history',
    {
      schema: {
        tags,
        security,
        summary:
          "Calls, newest first, paged: an agent's own, or (supervisors, admins) the tenant's",
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { query, tenantId, historyAgentId } = request;
      if (historyAgentId && query.agentId && query.agentId !== historyAgentId)
        throw new AppError('forbidden', "agents see only their own calls' history");
      if (query.rung && !historyAgentId && !query.agentId)
        throw new AppError(
          'bad-request',
          'querystring/rung needs agentId: the calls that rang whom?',
        );
      const range = checkedRange(query, Date.now(), DEFAULT_RANGE_DAYS);
      // Records are written behind routing; a call that just ended must be findable.
      await records.flush();
      return history.search(tenantId, {
        ...query,
        ...range,
        agentId: historyAgentId ?? query.agentId,
        limit: query.limit ?? 50,
      });
    },
  );

  app.get(
    '/history/:callId',
    {
      schema: {
        tags,
        security,
        summary:
          'One call and its timeline: placed, rung, declined, missed, answered, held, resumed, transferred, ended, and who',
        params: CallIdParams,
        response: { 200: CallTimeline, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { tenantId, historyAgentId } = request;
      await records.flush();
      const timeline = await history.timeline(
        tenantId,
        request.params.callId,
        historyAgentId ?? undefined,
      );
      if (!timeline) throw notFound(`call ${request.params.callId}`);
      return timeline;
    },
  );
};

export default routes;
