import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCardHarness } from '@angular/material/card/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { ActiveCallActions } from '../calls.actions';
import { selectActiveCall, type ActiveCallView } from '../calls.selectors';
import { ActiveCallPanel } from './active-call-panel';

const connected: ActiveCallView = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  callerAddress: '/private/katherine',
  ringGroupName: 'support',
  statusText: 'Connected',
  talkSeconds: 125,
  ended: false,
  outcome: null,
  busy: false,
  error: null,
};

describe('ActiveCallPanel', () => {
  // Overridden selectors are module-level singletons: undo the overrides for the next spec.
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let fixture: ComponentFixture<ActiveCallPanel>;
  let store: MockStore;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    fixture = TestBed.createComponent(ActiveCallPanel);
  });

  it('shows the caller, status and talk time, and hangs up', async () => {
    store.overrideSelector(selectActiveCall, connected);
    const dispatch = spyOn(store, 'dispatch');
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    const card = await loader.getHarness(MatCardHarness);
    expect(await card.getTitleText()).toBe('Katherine Johnson');
    expect(await card.getSubtitleText()).toBe('/private/katherine · via support');
    expect(await card.getText()).toContain('Connected');
    expect(await card.getText()).toContain('2:05');

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Hang up' }))).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      ActiveCallActions.hangUpClicked({ callId: 'call-1' }),
    );
  });

  it('shows the outcome and no way to hang up again once the call ended', async () => {
    store.overrideSelector(selectActiveCall, {
      ...connected,
      ended: true,
      statusText: 'Ended',
      outcome: 'Hung up',
    });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    expect(await (await loader.getHarness(MatCardHarness)).getText()).toContain('Hung up');
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Hang up' }))).isDisabled(),
    ).toBeTrue();
  });

  it('says when there is no call', async () => {
    store.overrideSelector(selectActiveCall, null);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Not on a call.');
  });
});
