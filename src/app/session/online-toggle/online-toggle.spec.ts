import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatSlideToggleHarness } from '@angular/material/slide-toggle/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { OnlineToggleActions } from '../session.actions';
import { initialSessionState } from '../session.feature';
import { OnlineToggle } from './online-toggle';

describe('OnlineToggle', () => {
  let fixture: ComponentFixture<OnlineToggle>;
  let store: MockStore;
  let dispatch: jasmine.Spy;

  function setSession(session: Partial<typeof initialSessionState>) {
    store.setState({
      ...initialRootState,
      session: { ...initialSessionState, connectionState: 'online', ...session },
    });
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    dispatch = spyOn(store, 'dispatch');
    fixture = TestBed.createComponent(OnlineToggle);
  });

  it('comes online and goes offline through the "Come online" toggle', async () => {
    setSession({});
    const toggle = await TestbedHarnessEnvironment.loader(fixture).getHarness(
      MatSlideToggleHarness.with({ label: 'Come online' }),
    );
    expect(await toggle.isChecked()).toBeFalse();

    await toggle.toggle();
    expect(dispatch).toHaveBeenCalledWith(OnlineToggleActions.comeOnlineToggled());

    setSession({ wantsOnline: true, registered: true });
    await toggle.toggle();
    expect(dispatch).toHaveBeenCalledWith(OnlineToggleActions.goOfflineToggled());
  });

  it('lists the dialable addresses once registered', async () => {
    setSession({
      wantsOnline: true,
      registered: true,
      addresses: ['/private/ada', '/group/support'],
    });
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;

    expect(Array.from(element.querySelectorAll('li code')).map((code) => code.textContent)).toEqual(
      ['/private/ada', '/group/support'],
    );
    expect(element.textContent).toContain('Online: calls ring here');
  });

  it('says wrap-up while the server holds the agent in wrap-up', async () => {
    setSession({ wantsOnline: true, registered: true, presence: 'wrap-up' });
    await fixture.whenStable();
    const text = (fixture.nativeElement as HTMLElement).textContent;
    expect(text).toContain('Wrap-up: calls will ring when you are done');
    expect(text).not.toContain('calls ring here');
  });

  it('says when the connection is being restored', async () => {
    setSession({ wantsOnline: true, connectionState: 'reconnecting' });
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('reconnecting');
  });
});
