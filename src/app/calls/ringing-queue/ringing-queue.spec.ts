import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { RingingCardActions } from '../calls.actions';
import {
  selectOldestRingingCallId,
  selectRingingQueue,
  type RingingCardView,
} from '../calls.selectors';
import { RingingQueue } from './ringing-queue';

const card = (
  callId: string,
  callerName: string,
  extra: Partial<RingingCardView> = {},
): RingingCardView => ({
  callId,
  callerName,
  callerAddress: `/private/${callerName.split(' ')[0].toLowerCase()}`,
  ringGroupName: 'support',
  details: [],
  waitSeconds: 3,
  ringing: true,
  outcome: null,
  busy: false,
  error: null,
  transferredBy: null,
  consultation: null,
  transferNotTakenBy: null,
  ...extra,
});

describe('RingingQueue', () => {
  // Overridden selectors are module-level singletons: undo the overrides for the next spec.
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let fixture: ComponentFixture<RingingQueue>;
  let store: MockStore;
  let dispatch: jasmine.Spy;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    store.overrideSelector(selectRingingQueue, [
      card('a', 'Katherine Johnson'),
      card('b', 'Alan Turing'),
      card('c', 'Grace Hopper', { ringing: false, outcome: 'Caller hung up' }),
    ]);
    store.overrideSelector(selectOldestRingingCallId, 'a');
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(RingingQueue);
    await fixture.whenStable();
  });

  it('shows every call at once, counting only those still ringing', () => {
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelectorAll('app-ringing-card').length).toBe(3);
    expect(element.querySelector('h2')?.textContent).toContain('Ringing (2)');
  });

  it('dispatches Accept Clicked and Decline Clicked for the card pressed', async () => {
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const accepts = await loader.getAllHarnesses(MatButtonHarness.with({ text: /^Accept/ }));
    const declines = await loader.getAllHarnesses(MatButtonHarness.with({ text: /^Decline/ }));

    await accepts[1].click();
    await declines[0].click();

    expect(dispatch.calls.allArgs()).toEqual([
      [RingingCardActions.acceptClicked({ callId: 'b' })],
      [RingingCardActions.declineClicked({ callId: 'a' })],
    ]);
  });

  it('says so when nothing rings', async () => {
    store.overrideSelector(selectRingingQueue, []);
    store.overrideSelector(selectOldestRingingCallId, null);
    store.refreshState();
    await fixture.whenStable();

    expect((fixture.nativeElement as HTMLElement).textContent).toContain('No calls ringing.');
  });
});
