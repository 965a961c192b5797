import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { Store } from '@ngrx/store';
import { map, take } from 'rxjs';
import { authFeature } from './auth.feature';

/** The console needs a signed-in tab; anyone else goes to the sign-in page. */
export const signedInGuard: CanActivateFn = () => {
  const router = inject(Router);
  return inject(Store)
    .select(authFeature.selectIsSignedIn)
    .pipe(
      take(1),
      map((signedIn) => signedIn || router.parseUrl('/sign-in')),
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
