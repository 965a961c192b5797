/**
 * `/api/reports`: historical figures per interval and ring group (or agent), for supervisors,
 * admins and the tenant's API key; and `/api/tenant/time-zone`, the IANA zone the reports cut
 * days in (any signed-in user reads it; admins and the API key change it).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr } from '../auth/request-auth.ts';
import { AppError } from '../shared/errors.ts';
import { bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { scopeToTenant } from '../shared/tenant-scope.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { ReportRepository } from './report-repository.ts';
import {
  MAX_REPORT_DAYS,
  Report,
  ReportQuery,
  TimeZoneBody,
  TimeZoneView,
  type ReportInterval,
} from './report-schemas.ts';

const security = bearerSecurity;
const DAY_MS = 86_400_000;

/** Epoch ms of a YYYY-MM-DD (UTC midnight), or null when there is no such day (2026-02-30). */
function dayNumber(date: string): number | null {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const at = Date.UTC(year, month - 1, day);
  const back = new Date(at);
  return back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day
    ? at
    : null;
}

export function checkReportRange(from: string, to: string, interval: ReportInterval): void {
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first === null) throw new AppError('bad-request', `querystring/from ${from} is not a date`);
  if (last === null) throw new AppError('bad-request', `querystring/to ${to} is not a date`);
  if (last < first) throw new AppError('bad-request', 'querystring/to must not be before from');
  const days = (last - first) / DAY_MS + 1;
  if (days > MAX_REPORT_DAYS[interval])
    throw new AppError(
      'bad-request',
      `a report by ${interval} covers at most ${MAX_REPORT_DAYS[interval]} days (asked: ${days})`,
    );
}

/** A zone both the database (which cuts the days) and browsers (which show them) know. */
async function checkTimeZone(reports: ReportRepository, name: string): Promise<void> {
  let browsersKnow = true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    browsersKnow = false;
  }
  if (!browsersKnow || !(await reports.knowsTimeZone(name)))
    throw new AppError(
      'bad-request',
      `body/timeZone "${name}" is not an IANA time zone name (e.g. Europe/Berlin)`,
    );
}

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) => authenticateApiKeyOr(request, ['supervisor', 'admin']));
  const { database, records } = app.services;
  const reports = new ReportRepository(database);

  app.get(
    '/reports',
    {
      schema: {
        tags: ['reports'],
        security,
        summary:
          "Figures per interval (hour, day, week in the tenant's time zone) and ring group or agent",
        querystring: ReportQuery,
        response: { 200: Report, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { from, to, groupId, agentId } = request.query;
      const interval = request.query.interval ?? 'day';
      const by = request.query.by ?? 'group';
      checkReportRange(from, to, interval);
      await records.flush();
      const timeZone = await reports.timeZone(request.tenantId);
      const rows = await reports.report(request.tenantId, by, {
        timeZone,
        from,
        to,
        interval,
        groupId,
        agentId,
      });
      return { timeZone, interval, by, from, to, rows };
    },
  );
};

const timeZoneRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  scopeToTenant(app, (request) =>
    authenticateApiKeyOr(
      request,
      request.method === 'GET' ? ['agent', 'supervisor', 'admin'] : ['admin'],
    ),
  );
  const reports = new ReportRepository(app.services.database);
  const tags = ['tenant'];

  app.get(
    '/tenant/time-zone',
    {
      schema: {
        tags,
        security,
        summary: "The tenant's time zone (reports cut days and weeks in it)",
        response: { 200: TimeZoneView, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ timeZone: await reports.timeZone(request.tenantId) }),
  );

  app.put(
    '/tenant/time-zone',
    {
      schema: {
        tags,
        security,
        summary: "Set the tenant's time zone (admins, API key): an IANA name",
        body: TimeZoneBody,
        response: { 200: TimeZoneView, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      const { timeZone } = request.body;
      await checkTimeZone(reports, timeZone);
      await reports.setTimeZone(request.tenantId, timeZone);
      return { timeZone };
    },
  );
};

export { reportRoutes, timeZoneRoutes };
