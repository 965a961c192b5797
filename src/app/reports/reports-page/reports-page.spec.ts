import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideMockStore } from '@ngrx/store/testing';
import { TokenStorage } from '../../auth/token-storage';
import { initialRootState } from '../../testing/initial-state';
import type { Report } from '../reports-api';
import { ReportsPage } from './reports-page';

const signedInAs = (role: string) => ({
  ...initialRootState,
  auth: {
    ...initialRootState.auth,
    status: 'signed-in' as const,
    user: { id: 'u1', reference: 'r', name: 'Sam', role, address: '/private/sam', tenant: 't' },
  },
});

const report: Report = {
  timeZone: 'America/New_York',
  interval: 'day',
  by: 'group',
  from: '2026-03-07',
  to: '2026-03-09',
  rows: [
    {
      start: Date.parse('2026-03-08T05:00:00Z'),
      label: '2026-03-08',
      group: { id: 'g1', name: 'sales' },
      agent: null,
      offered: 2,
      answered: 1,
      abandoned: 1,
      abandonedAfterMs: 25_000,
      missed: 1,
      declined: 0,
      serviceLevel: 0.5,
      asaMs: 15_000,
      longestWaitMs: 40_000,
      talkMs: 60_000,
      holdMs: 0,
      wrapUpMs: 10_000,
      ahtMs: 70_000,
      occupancy: null,
      dispositions: { resolved: 1 },
    },
  ],
};

describe('ReportsPage', () => {
  async function render(role: string) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideMockStore({ initialState: signedInAs(role) }),
        { provide: TokenStorage, useValue: { read: () => ({ token: 'jwt' }) } },
      ],
    });
    const fixture = TestBed.createComponent(ReportsPage);
    fixture.detectChanges();
    await fixture.whenStable();
    return { fixture, http: TestBed.inject(HttpTestingController) };
  }

  it('tells agents reports are not for them and asks the server nothing', async () => {
    const { fixture, http } = await render('agent');
    expect(fixture.nativeElement.textContent).toContain('Reports are for supervisors and admins');
    http.verify();
  });

  it('shows the report in the tenant time zone and downloads exactly the table', async () => {
    const { fixture, http } = await render('supervisor');
    http.expectOne('/api/directory').flush({ agents: [], groups: [{ id: 'g1', name: 'sales' }] });
    const request = http.expectOne((req) => req.url === '/api/reports');
    expect(request.request.params.get('interval')).toBe('day');
    expect(request.request.params.get('by')).toBe('group');
    expect(request.request.headers.get('authorization')).toBe('Bearer jwt');
    request.flush(report);
    fixture.detectChanges();
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector('[data-testid="report-time-zone"]')?.textContent).toContain(
      'America/New_York',
    );
    const cells = [...element.querySelectorAll('[data-testid="report-row"] td')].map((cell) =>
      cell.textContent?.trim(),
    );
    expect(cells.slice(0, 4)).toEqual(['2026-03-08', 'sales', '2', '1']);

    let downloaded: Blob | null = null;
    spyOn(URL, 'createObjectURL').and.callFake((blob: Blob | MediaSource) => {
      downloaded = blob as Blob;
      return 'blob:report';
    });
    spyOn(HTMLAnchorElement.prototype, 'click');
    (element.querySelector('[data-testid="report-csv"]') as HTMLButtonElement).click();
    const csv = await downloaded!.text();
    const [header, line] = csv.split('\r\n');
    const headers = [...element.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    expect(header).toBe(headers.join(','));
    expect(line).toBe(cells.join(','));
    expect(element.querySelector('[data-testid="report-time-zone-input"]'))
      .withContext('only admins change the time zone')
      .toBeNull();
    http.verify();
  });

  it('lets an admin move the day boundaries to another IANA zone, showing a refusal', async () => {
    const { fixture, http } = await render('admin');
    http.expectOne('/api/directory').flush({ agents: [], groups: [] });
    http.expectOne((req) => req.url === '/api/reports').flush(report);
    fixture.detectChanges();
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    const input = element.querySelector(
      '[data-testid="report-time-zone-input"]',
    ) as HTMLInputElement;
    expect(input.value).toBe('America/New_York');
    input.value = 'Mars/Olympus';
    input.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    (element.querySelector('[data-testid="report-time-zone-save"]') as HTMLButtonElement).click();
    const refused = http.expectOne('/api/tenant/time-zone');
    expect(refused.request.method).toBe('PUT');
    expect(refused.request.body).toEqual({ timeZone: 'Mars/Olympus' });
    refused.flush(
      {
        error: 'bad-request',
        message: 'body/timeZone "Mars/Olympus" is not an IANA time zone name',
        statusCode: 400,
      },
      { status: 400, statusText: 'Bad Request' },
    );
    fixture.detectChanges();
    expect(element.querySelector('.time-zone [role="alert"]')?.textContent).toContain(
      'not an IANA time zone name',
    );

    input.value = 'Europe/Berlin';
    input.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    (element.querySelector('[data-testid="report-time-zone-save"]') as HTMLButtonElement).click();
    http.expectOne('/api/tenant/time-zone').flush({ timeZone: 'Europe/Berlin' });
    const reread = http.expectOne((req) => req.url === '/api/reports');
    reread.flush({ ...report, timeZone: 'Europe/Berlin', rows: [] });
    fixture.detectChanges();
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="report-time-zone"]')?.textContent).toContain(
      'Europe/Berlin',
    );
    http.verify();
  });
});
