import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { CallerCallActions } from '../calls.actions';
import { selectOutgoingCall, type OutgoingCallView } from '../calls.selectors';
import { CallerCallPanel } from './caller-call-panel';

const connected: OutgoingCallView = {
  callId: 'out-1',
  calleeName: 'support',
  calleeAddress: '/group/support',
  statusText: 'Connected',
  answeredByName: 'Ada Lovelace',
  agentText: 'Ada Lovelace answered',
  seconds: 65,
  live: true,
  answered: true,
  outcome: null,
  busy: false,
  held: false,
};

describe('CallerCallPanel', () => {
  // Overridden selectors are module-level singletons: undo the overrides for the next spec.
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let fixture: ComponentFixture<CallerCallPanel>;
  let store: MockStore;
  let dispatch: jasmine.Spy;
  const element = () => fixture.nativeElement as HTMLElement;
  const text = (selector: string) => element().querySelector(selector)?.textContent?.trim();

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(CallerCallPanel);
  });

  it('shows whom the caller called, who answered, the state and the talk time; hangs up', async () => {
    store.overrideSelector(selectOutgoingCall, connected);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    expect(text('.callee-name')).toBe('support');
    expect(text('.callee-address')).toBe('/group/support');
    expect(text('.outgoing-status')).toBe('Connected');
    expect(text('.agent-line')).toBe('Ada Lovelace answered');
    expect(text('.timer')).toBe('1:05');
    // The same control bar as the agent's: microphone, camera, devices (once media loads), hang up.
    expect(element().querySelector('[role="group"][aria-label="Call controls"]')).not.toBeNull();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Hang up' }))).click();
    expect(dispatch).toHaveBeenCalledOnceWith(CallerCallActions.hangUpClicked({ callId: 'out-1' }));
  });

  it('says the call is on hold and who held it, once', async () => {
    store.overrideSelector(selectOutgoingCall, {
      ...connected,
      held: true,
      statusText: 'On hold',
      agentText: 'Ada Lovelace put you on hold',
    });
    await fixture.whenStable();

    expect(text('.outgoing-status')).toBe('On hold');
    expect(text('.agent-line')).toBe('Ada Lovelace put you on hold');
    expect(element().textContent).not.toContain('muted');
    expect(element().textContent?.match(/On hold/g)?.length).toBe(1);
  });

  it('shows how the call ended, and closes it', async () => {
    store.overrideSelector(selectOutgoingCall, {
      ...connected,
      live: false,
      statusText: 'Ended',
      outcome: 'Hung up',
      agentText: null,
    });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    expect(text('.outgoing-status')).toBe('Hung up');
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Hang up' }))).isDisabled(),
    ).toBeTrue();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Close' }))).click();
    expect(dispatch).toHaveBeenCalledOnceWith(CallerCallActions.closeClicked());
  });
});
