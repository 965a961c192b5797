import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { TokenStorage } from '../../auth/token-storage';
import type { HistoryCall } from '../../history/history-api';
import { initialRootState } from '../../testing/initial-state';
import { RecentCallsActions } from '../calls.actions';
import { RecentCalls } from './recent-calls';

const ada = {
  id: 'u-ada',
  reference: 'ada@demo.test',
  name: 'Ada Lovelace',
  role: 'agent',
  address: '/private/ada',
  tenant: 'demo',
};

const sam = {
  id: 'u-sam',
  reference: 'sam@demo.test',
  name: 'Sam Supervisor',
  role: 'supervisor',
  address: '/private/sam',
  tenant: 'demo',
};

const historyCall = (overrides: Partial<HistoryCall>): HistoryCall => ({
  id: 'a',
  origin: 'session',
  from: { name: 'Katherine Johnson', address: '/private/katherine' },
  to: { name: 'support', address: '/group/support' },
  ringGroup: null,
  outcome: 'answered',
  endReason: 'hangup',
  endedBy: null,
  answeredBy: { id: 'u-ada', name: 'Ada Lovelace' },
  createdAt: Date.UTC(2026, 10, 22, 9, 28),
  answeredAt: Date.UTC(2026, 10, 22, 9, 28, 10),
  endedAt: Date.UTC(2026, 10, 22, 9, 30),
  queueWaitMs: 10_000,
  talkMs: 65_000,
  holdMs: 0,
  wrapUps: [],
  ...overrides,
});

describe('RecentCalls', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({
          initialState: {
            ...initialRootState,
            auth: { ...initialRootState.auth, user: ada, status: 'signed-in' as const },
          },
        }),
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: TokenStorage,
          useValue: { read: () => ({ token: 'jwt', expiresAt: Infinity, user: ada }) },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function render(calls: HistoryCall[]) {
    const fixture = TestBed.createComponent(RecentCalls);
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    const request = http.expectOne((r) => r.url === '/api/history');
    expect(request.request.params.get('limit')).toBe('8');
    expect(request.request.params.get('agentId')).toBe('u-ada');
    expect(request.request.params.get('rung')).toBe('true');
    expect(request.request.headers.get('authorization')).toBe('Bearer jwt');
    request.flush({ calls, nextCursor: null });
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('lists the agent’s calls from the server: who, outcome, talk time, disposition, call back', async () => {
    const element = await render([
      historyCall({
        wrapUps: [
          {
            user: { id: 'u-ada', name: 'Ada Lovelace' },
            dispositionCode: 'resolved',
            dispositionLabel: 'Resolved',
            note: '',
            startedAt: 0,
            endedAt: null,
          },
        ],
      }),
      historyCall({
        id: 'b',
        from: { name: 'Ada Lovelace', address: '/private/ada' },
        to: { name: 'support', address: '/group/support' },
        outcome: 'unanswered',
        answeredBy: null,
        answeredAt: null,
        talkMs: null,
      }),
    ]);
    const items = Array.from(element.querySelectorAll('li'));
    expect(items.map((item) => item.querySelector('.name')?.textContent)).toEqual([
      'Katherine Johnson',
      'support',
    ]);
    expect(items.map((item) => item.querySelector('.outcome')?.textContent)).toEqual([
      'Answered',
      'Unanswered',
    ]);
    expect(items[0].querySelector('.duration')?.textContent).toBe('1:05');
    expect(items[0].querySelector('.disposition')?.textContent).toBe('Resolved');
    expect(items[1].querySelector('.duration')).toBeNull();
    expect(items[0].querySelector('[aria-label="Incoming"]')).not.toBeNull();
    expect(items[1].querySelector('[aria-label="Outgoing"]')).not.toBeNull();

    const dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    (items[0].querySelector('button.call-back') as HTMLButtonElement).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      RecentCallsActions.callBackClicked({ address: '/private/katherine' }),
    );
  });

  it('says who hung up, and shows the calls that rang me and I did not take as missed or declined', async () => {
    const wrapUp = {
      user: { id: 'u-ada', name: 'Ada Lovelace' },
      dispositionCode: 'sale',
      dispositionLabel: 'Sale',
      note: '',
      startedAt: 0,
      endedAt: null,
    };
    const element = await render([
      historyCall({
        id: 'mine',
        agentOutcome: 'answered',
        endedBy: { kind: 'agent', user: { id: 'u-ada', name: 'Ada Lovelace' } },
        wrapUps: [wrapUp],
      }),
      historyCall({
        id: 'theirs',
        agentOutcome: 'answered',
        talkMs: 125_000,
        endedBy: { kind: 'caller', user: { id: 'u-katherine', name: 'Katherine Johnson' } },
      }),
      historyCall({
        id: 'missed',
        from: { name: '+1 415 555 0199', address: '+14155550199' },
        agentOutcome: 'missed',
        answeredBy: { id: 'u-grace', name: 'Grace Hopper' },
        endedBy: { kind: 'caller', user: null },
      }),
      historyCall({
        id: 'declined',
        agentOutcome: 'declined',
        outcome: 'declined',
        answeredBy: null,
        answeredAt: null,
        talkMs: null,
        endedBy: { kind: 'agent', user: { id: 'u-ada', name: 'Ada Lovelace' } },
      }),
      historyCall({
        id: 'forced',
        agentOutcome: 'answered',
        endedBy: { kind: 'supervisor', user: { id: 'u-sam', name: 'Sam Supervisor' } },
      }),
      historyCall({
        id: 'dialed',
        from: { name: 'Ada Lovelace', address: '/private/ada' },
        to: { name: 'Grace Hopper', address: '/private/grace' },
        agentOutcome: 'placed',
        answeredBy: { id: 'u-grace', name: 'Grace Hopper' },
        endedBy: { kind: 'agent', user: { id: 'u-grace', name: 'Grace Hopper' } },
      }),
    ]);
    const items = Array.from(element.querySelectorAll('li'));
    const text = (item: Element, selector: string) =>
      item.querySelector(selector)?.textContent ?? null;
    expect(items.map((item) => text(item, '[data-testid="recent-call-ending"]'))).toEqual([
      'You hung up',
      'Caller hung up',
      'Missed',
      'Declined',
      'Ended by Sam Supervisor',
      'Grace Hopper hung up',
    ]);
    expect(items.map((item) => text(item, '.duration'))).toEqual([
      '1:05',
      '2:05',
      null, // Grace talked on it, not me
      null,
      '1:05',
      '1:05',
    ]);
    expect(text(items[0], '.disposition')).toBe('Sale');
    expect(items.map((item) => item.classList.contains('missed'))).toEqual([
      false,
      false,
      true,
      true,
      false,
      false,
    ]);

    // A missed phone call is called back on its number, through the desk's dial path.
    const dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    (items[2].querySelector('button.call-back') as HTMLButtonElement).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      RecentCallsActions.callBackClicked({ address: '+14155550199' }),
    );
    expect(items[2].querySelector('button.call-back')?.getAttribute('aria-label')).toBe(
      'Call back +1 415 555 0199',
    );
  });

  // History gives supervisors the whole tenant unless asked for one person: the desk must ask
  // for the signed-in person's own calls, or Sam's desk lists Grace's call to Ada.
  it('asks a supervisor’s desk only for the supervisor’s own calls', async () => {
    const store = TestBed.inject(MockStore);
    store.setState({
      ...initialRootState,
      auth: { ...initialRootState.auth, user: sam, status: 'signed-in' as const },
    });
    const fixture = TestBed.createComponent(RecentCalls);
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    const request = http.expectOne((r) => r.url === '/api/history');
    expect(request.request.params.get('agentId')).toBe('u-sam');
    request.flush({ calls: [], nextCursor: null });
  });

  it('says so when there are no calls yet', async () => {
    const element = await render([]);
    expect(element.textContent).toContain('None yet.');
  });
});
