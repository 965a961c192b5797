import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { KeypadActions } from '../media.actions';
import { initialMediaState, type CallMediaRecord } from '../media.feature';
import { initialCallMediaState } from '../media-state';
import { Keypad } from './keypad';

function stateWith(media: Partial<CallMediaRecord>) {
  const record: CallMediaRecord = {
    ...initialCallMediaState('call-1'),
    connection: 'connected',
    controlError: null,
    ...media,
  };
  return {
    ...initialRootState,
    media: { ...initialMediaState, ids: ['call-1'], entities: { 'call-1': record } },
  };
}

describe('Keypad', () => {
  let fixture: ComponentFixture<Keypad>;
  let store: MockStore;
  let dispatch: jasmine.Spy;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: stateWith({}) })],
    });
    store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(Keypad);
    fixture.componentRef.setInput('callId', 'call-1');
  });

  it('sends each pressed digit, in order, for its call', async () => {
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const keys = await loader.getAllHarnesses(MatButtonHarness);
    expect(await Promise.all(keys.map((key) => key.getText()))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '*',
      '0',
      '#',
    ]);
    await (await loader.getHarness(MatButtonHarness.with({ text: '4' }))).click();
    await (await loader.getHarness(MatButtonHarness.with({ text: '#' }))).click();
    expect(dispatch.calls.allArgs()).toEqual([
      [KeypadActions.digitPressed({ callId: 'call-1', digit: '4' })],
      [KeypadActions.digitPressed({ callId: 'call-1', digit: '#' })],
    ]);
  });

  it("shows the digits sent and the phone's digits", async () => {
    store.setState(stateWith({ digitsSent: '12', digitsReceived: '42#' }));
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('.digits-sent')?.textContent).toBe('12');
    expect(element.querySelector('.digits-received')?.textContent).toBe('42#');
  });

  it('is disabled until the call has media', async () => {
    store.setState(stateWith({ connection: 'joining' }));
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const key = await loader.getHarness(MatButtonHarness.with({ text: '5' }));
    expect(await key.isDisabled()).toBeTrue();
  });
});
