import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { Store } from '@ngrx/store';
import { map, take } from 'rxjs';
import { authFeature } from './auth.feature';

/**
 * The console needs a signed-in tab; anyone else goes to the sign-in page, which brings them
 * back to the page they asked for (`returnUrl`) unless it was just the desk's root, where each
 * role lands on its own daily page instead.
 */
export const signedInGuard: CanActivateFn = (_route, state) => {
  const router = inject(Router);
  return inject(Store)
    .select(authFeature.selectIsSignedIn)
    .pipe(
      take(1),
      map(
        (signedIn) =>
          signedIn ||
          router.createUrlTree(['/sign-in'], {
            queryParams: state.url === '/' ? {} : { returnUrl: state.url },
          }),
      ),
    );
};

/** A signed-in tab skips the sign-in page. */
export const signedOutGuard: CanActivateFn = () => {
  const router = inject(Router);
  return inject(Store)
    .select(authFeature.selectIsSignedIn)
    .pipe(
      take(1),
      map((signedIn) => !signedIn || router.parseUrl('/')),
    );
};
