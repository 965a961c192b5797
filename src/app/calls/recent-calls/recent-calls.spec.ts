import { TestBed } from '@angular/core/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { selectRecentCalls } from '../calls.selectors';
import { RecentCalls } from './recent-calls';

describe('RecentCalls', () => {
  afterEach(() => TestBed.inject(MockStore).resetSelectors());

  it('lists each ended call with its outcome', async () => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    TestBed.inject(MockStore).overrideSelector(selectRecentCalls, [
      {
        callId: 'a',
        direction: 'inbound',
        partyName: 'Katherine Johnson',
        partyAddress: '/private/katherine',
        outcome: 'Answered by Grace Hopper',
        endedAt: Date.UTC(2026, 10, 22, 9, 30),
      },
      {
        callId: 'b',
        direction: 'outbound',
        partyName: 'support',
        partyAddress: '/group/support',
        outcome: 'No answer',
        endedAt: null,
      },
    ]);
    const fixture = TestBed.createComponent(RecentCalls);
    await fixture.whenStable();

    const items = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('li'));
    expect(items.map((item) => item.querySelector('.name')?.textContent)).toEqual([
      'Katherine Johnson',
      'support',
    ]);
    expect(items.map((item) => item.querySelector('.outcome')?.textContent)).toEqual([
      'Answered by Grace Hopper',
      'No answer',
    ]);
    expect(items[0].querySelector('[aria-label]')?.getAttribute('aria-label')).toBe('Incoming');
  });

  it('says so when nothing ended yet', async () => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    const fixture = TestBed.createComponent(RecentCalls);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('None yet.');
  });
});
