import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter } from '@angular/router';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { App } from './app';
import { ToolbarActions } from './auth/auth.actions';
import { initialAuthState } from './auth/auth.feature';
import { initialSessionState } from './session/session.feature';
import { initialRootState } from './testing/initial-state';

describe('App shell', () => {
  it('shows who is signed in, the connection, and signs out', async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideMockStore({ initialState: initialRootState })],
    });
    const store = TestBed.inject(MockStore);
    store.setState({
      ...initialRootState,
      auth: {
        ...initialAuthState,
        status: 'signed-in',
        user: {
          id: 'u',
          reference: 'ada@demo.test',
          name: 'Ada Lovelace',
          role: 'agent',
          address: '/private/ada',
          tenant: 'demo',
        },
      },
      session: { ...initialSessionState, connectionState: 'reconnecting' },
    });
    const dispatch = spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();

    const text = (fixture.nativeElement as HTMLElement).textContent;
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('Reconnecting');
    await (
      await TestbedHarnessEnvironment.loader(fixture).getHarness(
        MatButtonHarness.with({ text: 'Sign out' }),
      )
    ).click();
    expect(dispatch).toHaveBeenCalledOnceWith(ToolbarActions.signOutClicked());
  });

  it('shows no account controls before sign-in', async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideMockStore({ initialState: initialRootState })],
    });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).not.toContain('Sign out');
  });
});
