import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { BehaviorSubject, firstValueFrom, ReplaySubject, Subject, take, toArray } from 'rxjs';
import { AuthApiActions, ToolbarActions } from '../auth/auth.actions';
import { TokenStorage } from '../auth/token-storage';
import { TelephonyService } from '../shared/telephony.service';
import {
  TelephonyError,
  type ConnectionState,
  type Presence,
  type TelephonyClient,
  type WrapUp,
  type GroupQueue,
} from '@switchboard/telephony';
import {
  MissedCallBannerActions,
  OnlineToggleActions,
  PresenceSelectActions,
  SessionApiActions,
  TelephonyEvents,
  WrapUpPanelActions,
} from './session.actions';
import { SessionEffects } from './session.effects';

const ada = {
  id: 'u',
  reference: 'ada@demo.test',
  name: 'Ada Lovelace',
  role: 'agent',
  address: '/private/ada',
  tenant: 'demo',
};

describe('SessionEffects', () => {
  let actions: ReplaySubject<Action>;
  let telephony: jasmine.SpyObj<TelephonyService>;
  let storage: jasmine.SpyObj<TokenStorage>;
  let effects: SessionEffects;
  let session: {
    online: jasmine.Spy;
    offline: jasmine.Spy;
    setPresence: jasmine.Spy;
    user$: BehaviorSubject<null>;
    registered$: BehaviorSubject<boolean>;
    presence$: BehaviorSubject<Presence>;
    addresses$: BehaviorSubject<string[]>;
    wrapUp$: BehaviorSubject<WrapUp | null>;
    notReady$: BehaviorSubject<null>;
    queues$: BehaviorSubject<GroupQueue[]>;
    endWrapUp: jasmine.Spy;
    extendWrapUp: jasmine.Spy;
  };
  let client: {
    session: typeof session;
    connectionState$: BehaviorSubject<ConnectionState>;
    tokenRefreshed$: Subject<{ token: string; expiresAt: number }>;
    unauthorized$: Subject<string>;
  };

  beforeEach(() => {
    actions = new ReplaySubject<Action>();
    session = {
      online: jasmine.createSpy('online'),
      offline: jasmine.createSpy('offline'),
      setPresence: jasmine.createSpy('setPresence'),
      user$: new BehaviorSubject(null),
      registered$: new BehaviorSubject(false),
      presence$: new BehaviorSubject<Presence>('offline'),
      addresses$: new BehaviorSubject<string[]>([]),
      wrapUp$: new BehaviorSubject<WrapUp | null>(null),
      notReady$: new BehaviorSubject(null),
      queues$: new BehaviorSubject<GroupQueue[]>([]),
      endWrapUp: jasmine.createSpy('endWrapUp'),
      extendWrapUp: jasmine.createSpy('extendWrapUp'),
    };
    client = {
      session,
      connectionState$: new BehaviorSubject<ConnectionState>('connecting'),
      tokenRefreshed$: new Subject(),
      unauthorized$: new Subject(),
    };
    telephony = jasmine.createSpyObj<TelephonyService>(
      'TelephonyService',
      ['connect', 'disconnect'],
      {
        session: session as never,
      },
    );
    telephony.connect.and.returnValue(client as unknown as TelephonyClient);
    storage = jasmine.createSpyObj<TokenStorage>('TokenStorage', ['read', 'updateToken']);
    storage.read.and.returnValue({ token: 'jwt', expiresAt: 900_000, user: ada });
    TestBed.configureTestingModule({
      providers: [
        SessionEffects,
        provideMockActions(() => actions),
        { provide: TelephonyService, useValue: telephony },
        { provide: TokenStorage, useValue: storage },
      ],
    });
    effects = TestBed.inject(SessionEffects);
  });

  const support: GroupQueue = {
    group: { id: 'g1', name: 'support' },
    waiting: 1,
    longestWaitingSince: 1_000,
    available: [],
  };

  it('connects on sign-in and reports the SDK state as actions, storing refreshed tokens', async () => {
    const reported = firstValueFrom(effects.connect$.pipe(take(9), toArray()));
    actions.next(AuthApiActions.signInSucceeded({ user: ada, expiresAt: 900_000 }));
    client.tokenRefreshed$.next({ token: 'jwt-2', expiresAt: 1_800_000 });
    session.queues$.next([support]);

    expect(telephony.connect).toHaveBeenCalledOnceWith('jwt', 900_000);
    expect(await reported).toEqual([
      TelephonyEvents.connectionChanged({ state: 'connecting' }),
      TelephonyEvents.registrationChanged({ registered: false }),
      TelephonyEvents.presenceChanged({ presence: 'offline' }),
      TelephonyEvents.addressesChanged({ addresses: [] }),
      TelephonyEvents.wrapUpChanged({ wrapUp: null }),
      TelephonyEvents.notReadyChanged({ notReady: null }),
      TelephonyEvents.queuesChanged({ queues: [] }),
      AuthApiActions.tokenRefreshed({ expiresAt: 1_800_000 }),
      TelephonyEvents.queuesChanged({ queues: [support] }),
    ]);
    expect(storage.updateToken).toHaveBeenCalledOnceWith('jwt-2', 1_800_000);
  });

  it('comes online through the SDK and reports a failure with its reason', async () => {
    session.online.and.rejectWith(new TelephonyError('timeout', 'no reply'));
    actions.next(OnlineToggleActions.comeOnlineToggled());
    expect(await firstValueFrom(effects.comeOnline$)).toEqual(
      SessionApiActions.comeOnlineFailed({ reason: 'timeout', message: 'no reply' }),
    );
  });

  it('sets the chosen presence, reporting only failures', async () => {
    session.setPresence.and.rejectWith(new TelephonyError('wrong-state', 'come online first'));
    actions.next(PresenceSelectActions.presenceChosen({ presence: 'away' }));
    expect(await firstValueFrom(effects.setPresence$)).toEqual(
      SessionApiActions.presenceChangeFailed({
        reason: 'wrong-state',
        message: 'come online first',
      }),
    );
    expect(session.setPresence).toHaveBeenCalledOnceWith('away');
  });

  it('"I’m back" after a missed call chooses available', async () => {
    session.setPresence.and.resolveTo();
    actions.next(MissedCallBannerActions.backClicked());
    actions.complete();
    await firstValueFrom(effects.setPresence$.pipe(toArray()));
    expect(session.setPresence).toHaveBeenCalledOnceWith('available');
  });

  it('finishes and extends the wrap-up through the SDK, reporting only failures', async () => {
    session.endWrapUp.and.rejectWith(new TelephonyError('wrong-state', 'not in wrap-up'));
    actions.next(WrapUpPanelActions.finishClicked());
    expect(await firstValueFrom(effects.finishWrapUp$)).toEqual(
      SessionApiActions.wrapUpCommandFailed({ reason: 'wrong-state', message: 'not in wrap-up' }),
    );
    session.extendWrapUp.and.resolveTo();
    actions.next(WrapUpPanelActions.extendClicked({ seconds: 30 }));
    actions.next(WrapUpPanelActions.extendClicked({ seconds: 30 }));
    actions.complete();
    const reported = await firstValueFrom(effects.extendWrapUp$.pipe(toArray()));
    expect(session.extendWrapUp.calls.allArgs()).toEqual([[30], [30]]);
    expect(reported).toEqual([]);
  });

  it('disconnects on sign-out', () => {
    effects.disconnect$.subscribe();
    actions.next(ToolbarActions.signOutClicked());
    expect(telephony.disconnect).toHaveBeenCalled();
  });
});
