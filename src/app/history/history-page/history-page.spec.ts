import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideMockStore } from '@ngrx/store/testing';
import { TokenStorage } from '../../auth/token-storage';
import { initialRootState } from '../../testing/initial-state';
import type { CallTimeline, HistoryCall } from '../history-api';
import { HistoryPage } from './history-page';

const signedInAs = (role: string) => ({
  ...initialRootState,
  auth: {
    ...initialRootState.auth,
    status: 'signed-in' as const,
    user: { id: 'u-ada', reference: 'r', name: 'Ada', role, address: '/private/ada', tenant: 't' },
  },
});

const call = (overrides: Partial<HistoryCall> = {}): HistoryCall => ({
  id: 'c1',
  origin: 'api',
  from: { name: 'Grace Hopper', address: '+14155550123' },
  to: { name: 'support', address: '/group/support' },
  ringGroup: { id: 'g1', name: 'support' },
  outcome: 'answered',
  endReason: 'hangup',
  endedBy: { kind: 'caller', user: null },
  answeredBy: { id: 'u-ada', name: 'Ada' },
  createdAt: Date.parse('2026-03-09T10:00:00Z'),
  answeredAt: Date.parse('2026-03-09T10:00:05Z'),
  endedAt: Date.parse('2026-03-09T10:01:05Z'),
  queueWaitMs: 5_000,
  talkMs: 60_000,
  holdMs: 0,
  wrapUps: [],
  ...overrides,
});

describe('HistoryPage', () => {
  async function render(role: string) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideMockStore({ initialState: signedInAs(role) }),
        { provide: TokenStorage, useValue: { read: () => ({ token: 'jwt' }) } },
      ],
    });
    const fixture = TestBed.createComponent(HistoryPage);
    fixture.detectChanges();
    const http = TestBed.inject(HttpTestingController);
    http.expectOne('/api/dispositions').flush({
      dispositions: [
        { id: 'd1', code: 'resolved', label: 'Resolved', active: true, position: 1 },
        { id: 'd2', code: 'old', label: 'Old', active: false, position: 2 },
      ],
    });
    return { fixture, http, element: fixture.nativeElement as HTMLElement };
  }

  const settle = async (fixture: { detectChanges(): void; whenStable(): Promise<unknown> }) => {
    fixture.detectChanges();
    await fixture.whenStable();
    fixture.detectChanges();
  };

  it("lists an agent's calls for the last week and pages to older ones", async () => {
    const { fixture, http, element } = await render('agent');
    const search = http.expectOne((req) => req.url === '/api/history');
    const from = Number(search.request.params.get('from'));
    const to = Number(search.request.params.get('to'));
    expect((to - from) / 86_400_000).toBeCloseTo(7, 0);
    expect(search.request.params.has('agentId')).toBeFalse();
    search.flush({ calls: [call()], nextCursor: 'next' });
    await settle(fixture);
    expect(element.querySelectorAll('[data-testid="history-row"]').length).toBe(1);
    expect(element.textContent).toContain('Grace Hopper');
    expect(element.textContent).not.toContain('Agent', 'agents get no agent filter');

    const more = [...element.querySelectorAll('button')].find((b) =>
      b.textContent?.includes('Show older calls'),
    )!;
    more.click();
    const older = http.expectOne((req) => req.url === '/api/history');
    expect(older.request.params.get('cursor')).toBe('next');
    older.flush({
      calls: [call({ id: 'c0', from: { name: 'Old', address: 'Old' } })],
      nextCursor: null,
    });
    await settle(fixture);
    expect(element.querySelectorAll('[data-testid="history-row"]').length).toBe(2);
    http.verify();
  });

  it('opens the timeline and saves the agent’s own disposition and note', async () => {
    const { fixture, http, element } = await render('agent');
    http
      .expectOne((req) => req.url === '/api/history')
      .flush({ calls: [call()], nextCursor: null });
    await settle(fixture);
    (element.querySelector('[data-testid="history-row"] button') as HTMLButtonElement).click();
    const timeline: CallTimeline = {
      call: call(),
      events: [
        { type: 'placed', at: call().createdAt, user: null },
        {
          type: 'rung',
          at: call().createdAt + 1000,
          user: { id: 'u-ada', name: 'Ada' },
          attempt: 1,
        },
        { type: 'answered', at: call().answeredAt!, user: { id: 'u-ada', name: 'Ada' } },
        { type: 'ended', at: call().endedAt!, user: null, endReason: 'hangup' },
      ],
    };
    http.expectOne('/api/history/c1').flush(timeline);
    http.expectOne('/api/calls/c1/wrap-up').flush({
      callId: 'c1',
      dispositionCode: null,
      note: '',
      editableUntil: Date.now() + 3_600_000,
    });
    await settle(fixture);
    const panel = element.querySelector('[data-testid="history-timeline"]')!;
    expect([...panel.querySelectorAll('li')].map((li) => li.getAttribute('data-event'))).toEqual([
      'placed',
      'rung',
      'answered',
      'ended',
    ]);
    expect(panel.textContent).toContain('Answered by Ada');

    const note = panel.querySelector('[data-testid="history-wrap-up-note"]') as HTMLTextAreaElement;
    note.value = 'Called back about the invoice';
    note.dispatchEvent(new Event('input'));
    await settle(fixture);
    (panel.querySelector('[data-testid="history-wrap-up-save"]') as HTMLButtonElement).click();
    const save = http.expectOne('/api/calls/c1/wrap-up');
    expect(save.request.method).toBe('PUT');
    expect(save.request.body).toEqual({
      dispositionCode: null,
      note: 'Called back about the invoice',
    });
    save.flush({
      callId: 'c1',
      dispositionCode: null,
      note: 'Called back about the invoice',
      editableUntil: null,
    });
    const saved = call({
      wrapUps: [
        {
          user: { id: 'u-ada', name: 'Ada' },
          dispositionCode: null,
          dispositionLabel: null,
          note: 'Called back about the invoice',
          startedAt: 0,
          endedAt: null,
        },
      ],
    });
    http.expectOne('/api/history/c1').flush({ ...timeline, call: saved });
    await settle(fixture);
    expect(element.textContent).toContain('Saved');
    http.verify();
  });

  it('says who ended each call', async () => {
    const { fixture, http, element } = await render('supervisor');
    http.expectOne('/api/directory').flush({ agents: [], groups: [] });
    http
      .expectOne((req) => req.url === '/api/history')
      .flush({
        calls: [
          call({ id: 'a', endedBy: { kind: 'caller', user: null } }),
          call({ id: 'b', endedBy: { kind: 'agent', user: { id: 'u-ada', name: 'Ada' } } }),
          call({ id: 'c', endedBy: { kind: 'supervisor', user: { id: 'u-sam', name: 'Sam' } } }),
          call({
            id: 'd',
            outcome: 'unanswered',
            endReason: 'no_answer',
            endedBy: { kind: 'system', user: null },
          }),
          call({ id: 'e', endedBy: null }),
        ],
        nextCursor: null,
      });
    await settle(fixture);
    const cells = [...element.querySelectorAll('[data-testid="history-ended-by"]')];
    expect(cells.map((cell) => cell.textContent?.trim())).toEqual([
      'Caller',
      'Ada',
      'Sam (supervisor)',
      'System (no answer in time)',
      '–',
    ]);
    http.verify();
  });

  it('shows a server refusal', async () => {
    const { fixture, http, element } = await render('supervisor');
    http.expectOne('/api/directory').flush({ agents: [{ id: 'u-bob', name: 'Bob' }], groups: [] });
    http
      .expectOne((req) => req.url === '/api/history')
      .flush(
        { error: 'bad-request', message: 'the range must be at most 400 days', statusCode: 400 },
        { status: 400, statusText: 'Bad Request' },
      );
    await settle(fixture);
    expect(element.querySelector('[role="alert"]')?.textContent).toContain('at most 400 days');
    http.verify();
  });
});
