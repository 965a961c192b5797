import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { DialBoxActions } from '../calls.actions';
import { callsFeature } from '../calls.feature';
import { selectOutgoingCall, type OutgoingCallView } from '../calls.selectors';
import { DialBox } from './dial-box';

const ringing: OutgoingCallView = {
  callId: 'out-1',
  calleeName: 'support',
  calleeAddress: '/group/support',
  statusText: 'Ringing',
  answeredByName: null,
  agentText: null,
  seconds: 4,
  live: true,
  answered: false,
  outcome: null,
  busy: false,
  held: false,
};

describe('DialBox', () => {
  // Overridden selectors are module-level singletons: undo the overrides for the next spec.
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let fixture: ComponentFixture<DialBox>;
  let store: MockStore;
  let dispatch: jasmine.Spy;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    store.overrideSelector(selectOutgoingCall, null);
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(DialBox);
  });

  it('calls the address typed into "Address"', async () => {
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatInputHarness)).setValue('  /group/support ');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Call' }))).click();

    expect(dispatch).toHaveBeenCalledOnceWith(
      DialBoxActions.callClicked({ address: '/group/support' }),
    );
  });

  it('does not call an empty address', async () => {
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Call' }))).click();
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('keeps Call disabled while the placed call is live (the call itself is in the centre)', async () => {
    store.overrideSelector(selectOutgoingCall, ringing);
    store.refreshState();
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Call' }))).isDisabled(),
    ).toBeTrue();
    expect((fixture.nativeElement as HTMLElement).querySelector('.outgoing-status')).toBeNull();
  });

  it('says why a dial failed', async () => {
    store.overrideSelector(callsFeature.selectDialError, 'no such address');
    store.refreshState();
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;

    expect(element.querySelector('[role="alert"]')?.textContent).toContain(
      'Call failed: no such address',
    );
  });
});
