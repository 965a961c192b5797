import { duration } from '../history/history-labels';
import type { ReportBy, ReportRow } from './reports-api';

/** One column of the report table; the CSV export writes exactly these, as shown. */
export interface ReportColumn {
  header: string;
  value(row: ReportRow): string;
}

const percent = (ratio: number | null) => (ratio === null ? '–' : `${(ratio * 100).toFixed(1)}%`);

export function reportColumns(by: ReportBy): ReportColumn[] {
  return [
    { header: 'Interval', value: (row) => row.label },
    {
      header: by === 'group' ? 'Group' : 'Agent',
      value: (row) => (by === 'group' ? row.group?.name : row.agent?.name) ?? '',
    },
    { header: 'Offered', value: (row) => String(row.offered) },
    { header: 'Answered', value: (row) => String(row.answered) },
    { header: 'Abandoned', value: (row) => String(row.abandoned) },
    { header: 'Abandoned after', value: (row) => duration(row.abandonedAfterMs) },
    { header: 'Missed', value: (row) => String(row.missed) },
    { header: 'Declined', value: (row) => String(row.declined) },
    { header: 'Service level', value: (row) => percent(row.serviceLevel) },
    { header: 'ASA', value: (row) => duration(row.asaMs) },
    { header: 'Longest wait', value: (row) => duration(row.longestWaitMs) },
    { header: 'AHT', value: (row) => duration(row.ahtMs) },
    { header: 'Occupancy', value: (row) => percent(row.occupancy) },
    {
      header: 'Dispositions',
      value: (row) =>
        Object.entries(row.dispositions)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, count]) => `${code}: ${count}`)
          .join(', '),
    },
  ];
}

/**
 * RFC 4180 CSV of the rows as the table shows them. A cell a spreadsheet would run as a formula
 * (a group or agent named "=HYPERLINK(…)") gets a leading apostrophe, as OWASP advises against
 * CSV injection; the figures themselves never start with one of those characters.
 */
export function reportCsv(columns: ReportColumn[], rows: ReportRow[]): string {
  const inert = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  const quoted = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const cell = (text: string) => quoted(inert(text));
  const lines = [columns.map((column) => cell(column.header)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => cell(column.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
