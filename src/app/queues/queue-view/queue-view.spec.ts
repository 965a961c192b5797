import { TestBed } from '@angular/core/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import type { GroupQueue } from '@switchboard/telephony';
import { initialRootState } from '../../testing/initial-state';
import { QueueView } from './queue-view';

const now = Date.UTC(2026, 11, 7, 15, 0, 0);

function stateWith(queues: GroupQueue[], clock = now) {
  return {
    ...initialRootState,
    session: { ...initialRootState.session, queues },
    calls: { ...initialRootState.calls, now: clock },
  };
}

const support: GroupQueue = {
  group: { id: 'g-support', name: 'support' },
  waiting: 2,
  longestWaitingSince: now - 65_000,
  available: [
    { id: 'u-bob', name: 'Bob Kahn' },
    { id: 'u-grace', name: 'Grace Hopper' },
  ],
};
const sales: GroupQueue = {
  group: { id: 'g-sales', name: 'sales' },
  waiting: 0,
  longestWaitingSince: null,
  available: [],
};

describe('QueueView', () => {
  let store: MockStore;

  function render(queues: GroupQueue[]) {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: stateWith(queues) })],
    });
    store = TestBed.inject(MockStore);
    const fixture = TestBed.createComponent(QueueView);
    fixture.detectChanges();
    return fixture;
  }

  const rowText = (element: HTMLElement, group: string) =>
    element.querySelector(`[data-group="${group}"]`)?.textContent?.replace(/\s+/g, ' ').trim();

  it('lists each group: how many wait, the longest wait, and who else is available', async () => {
    const fixture = render([sales, support]);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;

    expect(element.querySelector('h2')?.textContent).toBe('Your queues');
    expect(rowText(element, 'support')).toBe(
      'support 2 waiting longest 1:05 Available: Bob Kahn, Grace Hopper',
    );
    expect(rowText(element, 'sales')).toBe('sales Nobody waiting Nobody else available');
    expect(element.querySelector('[data-group="support"]')?.classList).toContain('busy');
    expect(element.querySelector('[data-group="sales"]')?.classList).not.toContain('busy');
  });

  it('ticks the longest wait with the clock and follows every push', async () => {
    const fixture = render([support]);
    const element = fixture.nativeElement as HTMLElement;
    store.setState(stateWith([support], now + 10_000));
    await fixture.whenStable();
    expect(element.querySelector('.longest')?.textContent?.trim()).toBe('longest 1:15');
    expect(element.querySelector('.longest')?.getAttribute('aria-label')).toBe(
      'Longest wait 75 seconds',
    );

    store.setState(
      stateWith(
        [{ ...support, waiting: 0, longestWaitingSince: null, available: [] }],
        now + 10_000,
      ),
    );
    await fixture.whenStable();
    expect(rowText(element, 'support')).toBe('support Nobody waiting Nobody else available');
    expect(element.querySelector('.longest')).toBeNull();
  });

  it('shows nothing for an agent in no ring group', async () => {
    const fixture = render([]);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent?.trim()).toBe('');
  });
});
