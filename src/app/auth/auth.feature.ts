import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import {
  AuthApiActions,
  AuthSessionActions,
  SignInPageActions,
  ToolbarActions,
} from './auth.actions';
import type { SignedInUser } from './signed-in-user';

export interface AuthState {
  user: SignedInUser | null;
  status: 'signed-out' | 'signing-in' | 'signed-in';
  expiresAt: number | null;
  error: string | null;
}

export const initialAuthState: AuthState = {
  user: null,
  status: 'signed-out',
  expiresAt: null,
  error: null,
};

export const authFeature = createFeature({
  name: 'auth',
  reducer: createReducer(
    initialAuthState,
    on(SignInPageActions.signInSubmitted, (state): AuthState => ({
      ...state,
      status: 'signing-in',
      error: null,
    })),
    on(
      AuthApiActions.signInSucceeded,
      AuthSessionActions.restored,
      (_state, { user, expiresAt }): AuthState => ({
        user,
        expiresAt,
        status: 'signed-in',
        error: null,
      }),
    ),
    on(AuthApiActions.signInFailed, (_state, { message }): AuthState => ({
      ...initialAuthState,
      error: message,
    })),
    on(AuthApiActions.tokenRefreshed, (state, { expiresAt }): AuthState => ({
      ...state,
      expiresAt,
    })),
    on(AuthSessionActions.expired, (_state, { message }): AuthState => ({
      ...initialAuthState,
      error: message,
    })),
    on(ToolbarActions.signOutClicked, (): AuthState => initialAuthState),
  ),
  extraSelectors: ({ selectStatus, selectUser }) => ({
    selectIsSignedIn: createSelector(selectStatus, (status) => status === 'signed-in'),
    selectUserId: createSelector(selectUser, (user) => user?.id ?? null),
  }),
});
