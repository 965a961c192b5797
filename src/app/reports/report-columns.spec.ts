import { reportColumns, reportCsv } from './report-columns';
import type { ReportRow } from './reports-api';

const row = (overrides: Partial<ReportRow> = {}): ReportRow => ({
  start: 0,
  label: '2026-03-08',
  group: { id: 'g1', name: 'sales, "east"' },
  agent: null,
  offered: 4,
  answered: 3,
  abandoned: 1,
  abandonedAfterMs: 40_000,
  missed: 2,
  declined: 1,
  serviceLevel: 0.75,
  asaMs: 15_000,
  longestWaitMs: 65_000,
  talkMs: 90_000,
  holdMs: 30_000,
  wrapUpMs: 20_000,
  ahtMs: 140_000,
  occupancy: null,
  dispositions: { resolved: 2, escalated: 1 },
  ...overrides,
});

describe('report columns and CSV', () => {
  it('formats each figure as the table shows it', () => {
    const columns = reportColumns('group');
    expect(columns.map((column) => column.value(row()))).toEqual([
      '2026-03-08',
      'sales, "east"',
      '4',
      '3',
      '1',
      '0:40',
      '2',
      '1',
      '75.0%',
      '0:15',
      '1:05',
      '2:20',
      '–',
      'escalated: 1, resolved: 2',
    ]);
  });

  it('writes exactly the shown cells, quoting commas and quotes', () => {
    const columns = reportColumns('agent');
    const csv = reportCsv(columns, [
      row({ group: null, agent: { id: 'a', name: 'Ada' }, occupancy: 0.5, dispositions: {} }),
    ]);
    expect(csv).toBe(
      'Interval,Agent,Offered,Answered,Abandoned,Abandoned after,Missed,Declined,Service level,ASA,Longest wait,AHT,Occupancy,Dispositions\r\n' +
        '2026-03-08,Ada,4,3,1,0:40,2,1,75.0%,0:15,1:05,2:20,50.0%,\r\n',
    );
    expect(reportCsv(reportColumns('group'), [row()]).split('\r\n')[1]).toContain(
      '"sales, ""east"""',
    );
  });

  it('keeps a name that looks like a formula from running in a spreadsheet', () => {
    const columns = reportColumns('agent');
    const nameCell = (name: string) =>
      reportCsv(columns, [row({ group: null, agent: { id: 'a', name }, dispositions: {} })])
        .split('\r\n')[1]
        .split(',')[1];
    expect(nameCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(nameCell('+1 415')).toBe("'+1 415");
    expect(nameCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(nameCell('-2')).toBe("'-2");
    expect(nameCell('Ada')).toBe('Ada');
  });
});
