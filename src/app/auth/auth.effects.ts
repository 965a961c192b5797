import { inject, Injectable } from '@angular/core';
import { Router } from '@angular/router';
import { Actions, createEffect, ofType, ROOT_EFFECTS_INIT } from '@ngrx/effects';
import { catchError, exhaustMap, filter, map, of, tap } from 'rxjs';
import { AuthApi } from './auth-api';
import {
  AuthApiActions,
  AuthSessionActions,
  SignInPageActions,
  ToolbarActions,
} from './auth.actions';
import { landingPage } from './landing-page';
import { TokenStorage } from './token-storage';

@Injectable()
export class AuthEffects {
  private readonly actions$ = inject(Actions);
  private readonly api = inject(AuthApi);
  private readonly storage = inject(TokenStorage);
  private readonly router = inject(Router);

  /** exhaustMap: pressing Enter twice signs in once. */
  signIn$ = createEffect(() =>
    this.actions$.pipe(
      ofType(SignInPageActions.signInSubmitted),
      exhaustMap(({ tenant, email, password }) =>
        this.api.signIn({ tenant, email, password }).pipe(
          tap(({ token, expiresAt, user }) => this.storage.save({ token, expiresAt, user })),
          map(({ user, expiresAt }) => AuthApiActions.signInSucceeded({ user, expiresAt })),
          catchError((error: unknown) =>
            of(
              AuthApiActions.signInFailed({
                message: error instanceof Error ? error.message : 'Sign-in failed.',
              }),
            ),
          ),
        ),
      ),
    ),
  );

  /** A reload keeps the tab signed in while its token is valid. */
  restore$ = createEffect(() =>
    this.actions$.pipe(
      ofType(ROOT_EFFECTS_INIT),
      map(() => this.storage.read()),
      filter((stored) => stored !== null),
      map(({ user, expiresAt }) => AuthSessionActions.restored({ user, expiresAt })),
    ),
  );

  /**
   * After sign-in: the deep link the sign-in page was opened for (`?returnUrl=`), else the
   * person's daily page (supervisors /supervisor, admins /admin, agents the desk).
   */
  openConsole$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(AuthApiActions.signInSucceeded),
        tap(({ user }) => {
          const returnUrl = this.router.parseUrl(this.router.url).queryParamMap.get('returnUrl');
          void this.router.navigateByUrl(landingPage(user.role, returnUrl));
        }),
      ),
    { dispatch: false },
  );

  signOut$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(ToolbarActions.signOutClicked, AuthSessionActions.expired),
        tap(() => {
          this.storage.clear();
          void this.router.navigateByUrl('/sign-in');
        }),
      ),
    { dispatch: false },
  );
}
