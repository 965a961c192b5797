import { TestBed } from '@angular/core/testing';
import { DefaultUrlSerializer, Router } from '@angular/router';
import { provideMockActions } from '@ngrx/effects/testing';
import { ROOT_EFFECTS_INIT } from '@ngrx/effects';
import type { Action } from '@ngrx/store';
import { firstValueFrom, of, ReplaySubject, throwError } from 'rxjs';
import { AuthApi, SignInError } from './auth-api';
import {
  AuthApiActions,
  AuthSessionActions,
  SignInPageActions,
  ToolbarActions,
} from './auth.actions';
import { AuthEffects } from './auth.effects';
import type { SignedInUser } from './signed-in-user';
import { TokenStorage } from './token-storage';

const ada: SignedInUser = {
  id: 'user-ada',
  reference: 'ada@demo.test',
  name: 'Ada Lovelace',
  role: 'agent',
  address: '/private/ada',
  tenant: 'demo',
};

describe('AuthEffects', () => {
  let actions: ReplaySubject<Action>;
  let api: jasmine.SpyObj<AuthApi>;
  let storage: jasmine.SpyObj<TokenStorage>;
  let router: jasmine.SpyObj<Router>;
  let effects: AuthEffects;

  beforeEach(() => {
    actions = new ReplaySubject<Action>();
    api = jasmine.createSpyObj<AuthApi>('AuthApi', ['signIn']);
    storage = jasmine.createSpyObj<TokenStorage>('TokenStorage', ['read', 'save', 'clear']);
    router = jasmine.createSpyObj<Router>('Router', ['navigateByUrl', 'parseUrl'], {
      url: '/sign-in',
    });
    router.parseUrl.and.callFake((url) => new DefaultUrlSerializer().parse(url));
    TestBed.configureTestingModule({
      providers: [
        AuthEffects,
        provideMockActions(() => actions),
        { provide: AuthApi, useValue: api },
        { provide: TokenStorage, useValue: storage },
        { provide: Router, useValue: router },
      ],
    });
    effects = TestBed.inject(AuthEffects);
  });

  it('signs in, keeps the token out of the store, and opens the console', async () => {
    api.signIn.and.returnValue(of({ token: 'jwt', expiresAt: 900_000, user: ada }));
    actions.next(
      SignInPageActions.signInSubmitted({
        tenant: 'demo',
        email: 'ada@demo.test',
        password: 'switchboard',
      }),
    );

    expect(await firstValueFrom(effects.signIn$)).toEqual(
      AuthApiActions.signInSucceeded({ user: ada, expiresAt: 900_000 }),
    );
    expect(storage.save).toHaveBeenCalledOnceWith({ token: 'jwt', expiresAt: 900_000, user: ada });

    effects.openConsole$.subscribe();
    actions.next(AuthApiActions.signInSucceeded({ user: ada, expiresAt: 900_000 }));
    expect(router.navigateByUrl).toHaveBeenCalledWith('/');
  });

  it('lands a supervisor on /supervisor and an admin on /admin; a deep link wins', () => {
    effects.openConsole$.subscribe();
    actions.next(
      AuthApiActions.signInSucceeded({ user: { ...ada, role: 'supervisor' }, expiresAt: 1 }),
    );
    expect(router.navigateByUrl).toHaveBeenCalledWith('/supervisor');
    actions.next(AuthApiActions.signInSucceeded({ user: { ...ada, role: 'admin' }, expiresAt: 1 }));
    expect(router.navigateByUrl).toHaveBeenCalledWith('/admin');

    (Object.getOwnPropertyDescriptor(router, 'url')!.get as jasmine.Spy).and.returnValue(
      '/sign-in?returnUrl=%2Fhistory',
    );
    actions.next(
      AuthApiActions.signInSucceeded({ user: { ...ada, role: 'supervisor' }, expiresAt: 1 }),
    );
    expect(router.navigateByUrl).toHaveBeenCalledWith('/history');
  });

  it('turns a refused sign-in into Sign In Failed', async () => {
    api.signIn.and.returnValue(
      throwError(() => new SignInError('Wrong tenant, email or password.')),
    );
    actions.next(
      SignInPageActions.signInSubmitted({
        tenant: 'demo',
        email: 'ada@demo.test',
        password: 'nope',
      }),
    );

    expect(await firstValueFrom(effects.signIn$)).toEqual(
      AuthApiActions.signInFailed({ message: 'Wrong tenant, email or password.' }),
    );
  });

  it('restores a sign-in kept in this tab', async () => {
    storage.read.and.returnValue({ token: 'jwt', expiresAt: 900_000, user: ada });
    actions.next({ type: ROOT_EFFECTS_INIT });
    expect(await firstValueFrom(effects.restore$)).toEqual(
      AuthSessionActions.restored({ user: ada, expiresAt: 900_000 }),
    );
  });

  it('forgets the token and returns to sign-in on sign-out', () => {
    effects.signOut$.subscribe();
    actions.next(ToolbarActions.signOutClicked());
    expect(storage.clear).toHaveBeenCalled();
    expect(router.navigateByUrl).toHaveBeenCalledWith('/sign-in');
  });
});
