import {
  AuthApiActions,
  AuthSessionActions,
  SignInPageActions,
  ToolbarActions,
} from './auth.actions';
import { authFeature, initialAuthState } from './auth.feature';
import type { SignedInUser } from './signed-in-user';

const ada: SignedInUser = {
  id: 'user-ada',
  reference: 'ada@demo.test',
  name: 'Ada Lovelace',
  role: 'agent',
  address: '/private/ada',
  tenant: 'demo',
};
const { reducer, selectIsSignedIn, selectUserId } = authFeature;

describe('auth reducer', () => {
  it('walks signing-in → signed-in and forgets the user on sign-out', () => {
    let state = reducer(
      initialAuthState,
      SignInPageActions.signInSubmitted({ tenant: 'demo', email: 'ada@demo.test', password: 'x' }),
    );
    expect(state).toEqual({ user: null, status: 'signing-in', expiresAt: null, error: null });

    state = reducer(state, AuthApiActions.signInSucceeded({ user: ada, expiresAt: 900_000 }));
    expect(state).toEqual({ user: ada, status: 'signed-in', expiresAt: 900_000, error: null });
    expect(selectIsSignedIn.projector(state.status)).toBeTrue();
    expect(selectUserId.projector(state.user)).toBe('user-ada');

    state = reducer(state, AuthApiActions.tokenRefreshed({ expiresAt: 1_800_000 }));
    expect(state.expiresAt).toBe(1_800_000);
    expect(reducer(state, ToolbarActions.signOutClicked())).toEqual(initialAuthState);
  });

  it('keeps the reason a sign-in failed or expired', () => {
    expect(
      reducer(
        initialAuthState,
        AuthApiActions.signInFailed({ message: 'Wrong tenant, email or password.' }),
      ),
    ).toEqual({
      ...initialAuthState,
      error: 'Wrong tenant, email or password.',
    });
    const signedIn = reducer(
      initialAuthState,
      AuthSessionActions.restored({ user: ada, expiresAt: 1 }),
    );
    expect(reducer(signedIn, AuthSessionActions.expired({ message: 'Sign in again.' }))).toEqual({
      ...initialAuthState,
      error: 'Sign in again.',
    });
  });
});
