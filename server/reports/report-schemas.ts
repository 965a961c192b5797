/**
 * The HTTP shapes of historical reports: the query (a range of the tenant's local dates, an
 * interval, per group or per agent) and one row per interval and group (or agent). Durations
 * are integer milliseconds; ratios are 0–1; figures with nothing to average are null.
 */
import { Type, type Static } from 'typebox';

const LocalDate = (description: string) =>
  Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$', description });

export const ReportInterval = Type.Union(
  [Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')],
  {
    description:
      "Row length; days and weeks (from Monday) start at midnight in the tenant's time zone",
  },
);
export type ReportInterval = Static<typeof ReportInterval>;

export const ReportBy = Type.Union([Type.Literal('group'), Type.Literal('agent')]);
export type ReportBy = Static<typeof ReportBy>;

const Id = Type.String({ minLength: 1, maxLength: 64 });

/** Longest range per interval: hour rows are many. */
export const MAX_REPORT_DAYS: Record<ReportInterval, number> = { hour: 31, day: 400, week: 400 };

export const ReportQuery = Type.Object(
  {
    from: LocalDate("First day, YYYY-MM-DD in the tenant's time zone"),
    to: LocalDate('Last day (included), YYYY-MM-DD'),
    interval: Type.Optional(ReportInterval),
    by: Type.Optional(ReportBy),
    groupId: Type.Optional(Id),
    agentId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

const Ms = Type.Union([Type.Integer(), Type.Null()]);
const Ratio = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

export const ReportRow = Type.Object({
  start: Type.Number({ description: 'When the interval begins (epoch ms)' }),
  label: Type.String({
    description: "The interval's local start: YYYY-MM-DD, or YYYY-MM-DD HH:00 for hours",
  }),
  group: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  agent: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  offered: Type.Integer({ description: 'Calls placed to the group / calls that rang the agent' }),
  answered: Type.Integer(),
  abandoned: Type.Integer({
    description: 'The caller gave up before anyone answered (for an agent: while it rang them)',
  }),
  abandonedAfterMs: Ms,
  missed: Type.Integer({ description: 'Rings that timed out' }),
  declined: Type.Integer({ description: 'Rings an agent declined' }),
  serviceLevel: Ratio,
  asaMs: Ms,
  longestWaitMs: Ms,
  talkMs: Type.Integer({ description: 'Connected time without hold, in total' }),
  holdMs: Type.Integer(),
  wrapUpMs: Type.Integer(),
  ahtMs: Ms,
  occupancy: Ratio,
  dispositions: Type.Record(Type.String(), Type.Integer(), {
    description: 'Wrap-ups per disposition code',
  }),
});
export type ReportRow = Static<typeof ReportRow>;

export const Report = Type.Object({
  timeZone: Type.String(),
  interval: ReportInterval,
  by: ReportBy,
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(ReportRow, {
    description: 'By interval, then name; intervals with no activity are left out',
  }),
});
export type Report = Static<typeof Report>;

export const TimeZoneView = Type.Object({
  timeZone: Type.String({ description: 'IANA time zone name, e.g. Europe/Berlin' }),
});
export const TimeZoneBody = Type.Object(
  { timeZone: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+\\-/]+$' }) },
  { additionalProperties: false },
);
