import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { SignedInUser } from './signed-in-user';

export const SignInPageActions = createActionGroup({
  source: 'Sign In Page',
  events: {
    'Sign In Submitted': props<{ tenant: string; email: string; password: string }>(),
  },
});

export const AuthApiActions = createActionGroup({
  source: 'Auth API',
  events: {
    'Sign In Succeeded': props<{ user: SignedInUser; expiresAt: number }>(),
    'Sign In Failed': props<{ message: string }>(),
    'Token Refreshed': props<{ expiresAt: number }>(),
  },
});

export const AuthSessionActions = createActionGroup({
  source: 'Auth Session',
  events: {
    /** A token kept from earlier in this tab is still valid. */
    Restored: props<{ user: SignedInUser; expiresAt: number }>(),
    /** The server stopped accepting this sign-in. */
    Expired: props<{ message: string }>(),
  },
});

export const ToolbarActions = createActionGroup({
  source: 'Toolbar',
  events: {
    'Sign Out Clicked': emptyProps(),
  },
});
