import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { PresenceSelectActions } from '../session.actions';
import { initialSessionState } from '../session.feature';
import { PresenceSelect } from './presence-select';

describe('PresenceSelect', () => {
  let fixture: ComponentFixture<PresenceSelect>;
  let store: MockStore;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    fixture = TestBed.createComponent(PresenceSelect);
  });

  it('lets an online agent choose a presence', async () => {
    store.setState({
      ...initialRootState,
      session: { ...initialSessionState, registered: true, presence: 'available' },
    });
    const dispatch = spyOn(store, 'dispatch');
    const select = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatSelectHarness);
    expect(await select.getValueText()).toContain('Available');

    await select.open();
    const options = await select.getOptions();
    expect(await Promise.all(options.map((option) => option.isDisabled()))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
    await select.clickOptions({ text: /Away/ });

    expect(dispatch).toHaveBeenCalledOnceWith(
      PresenceSelectActions.presenceChosen({ presence: 'away' }),
    );
  });

  it('is locked while offline or on a call', async () => {
    const select = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatSelectHarness);
    expect(await select.isDisabled()).toBeTrue();

    store.setState({
      ...initialRootState,
      session: { ...initialSessionState, registered: true, presence: 'busy' },
    });
    expect(await select.isDisabled()).toBeTrue();
    expect(await select.getValueText()).toContain('Busy');
  });
});
