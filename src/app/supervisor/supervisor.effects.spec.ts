import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { provideMockStore } from '@ngrx/store/testing';
import { Observable, of, Subject, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TokenStorage } from '../auth/token-storage';
import { EFFECTS_SCHEDULER } from '../shared/scheduler';
import type { SupervisorMessage } from '../../../protocol/supervisor-protocol';
import { SupervisorApi } from './supervisor-api';
import { FeedRefusedError, SupervisorFeedService } from './supervisor-feed.service';
import { SupervisorMonitor } from './supervisor-monitor';
import {
  SupervisorApiActions,
  SupervisorFeedActions,
  SupervisorPageActions,
} from './supervisor.actions';
import { SupervisorEffects } from './supervisor.effects';
import { changesFrame, snapshotFrame } from './testing/supervisor-frames';

describe('SupervisorEffects', () => {
  let actions$: Observable<Action>;
  let scheduler: TestScheduler;
  let feed: { connect: jasmine.Spy<(token: string) => Observable<SupervisorMessage>> };
  let api: { forcePresence: jasmine.Spy; monitor: jasmine.Spy };
  let monitor: { join: jasmine.Spy; leave: jasmine.Spy };

  function effects(): SupervisorEffects {
    TestBed.configureTestingModule({
      providers: [
        SupervisorEffects,
        provideMockActions(() => actions$),
        provideMockStore(),
        { provide: SupervisorFeedService, useValue: feed },
        { provide: SupervisorApi, useValue: api },
        { provide: SupervisorMonitor, useValue: monitor },
        { provide: EFFECTS_SCHEDULER, useValue: scheduler },
        {
          provide: TokenStorage,
          useValue: { read: () => ({ token: 'jwt', expiresAt: Infinity, user: {} }) },
        },
      ],
    });
    return TestBed.inject(SupervisorEffects);
  }

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    feed = { connect: jasmine.createSpy('connect') };
    api = { forcePresence: jasmine.createSpy('forcePresence'), monitor: jasmine.createSpy('monitor') };
    monitor = {
      join: jasmine.createSpy('join').and.resolveTo(undefined),
      leave: jasmine.createSpy('leave').and.resolveTo(undefined),
    };
  });

  it('turns feed frames into actions until the page closes', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const snapshot = snapshotFrame();
      const changes = changesFrame({ at: 5 });
      feed.connect.and.returnValue(cold('-s-c-c', { s: snapshot, c: changes }));
      actions$ = hot('a---z', { a: SupervisorPageActions.opened(), z: SupervisorPageActions.closed() });
      expectObservable(effects().watchFeed$).toBe('-s-c', {
        s: SupervisorFeedActions.snapshotReceived({ snapshot }),
        c: SupervisorFeedActions.changesReceived({ changes }),
      });
    });
    expect(feed.connect).toHaveBeenCalledWith('jwt');
  });

  it('stops on a refusal, and reports a drop then reconnects after a pause', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const snapshot = snapshotFrame();
      feed.connect.and.returnValues(
        cold('-#', undefined, new Error('the feed closed (1006)')),
        cold('-s', { s: snapshot }),
      );
      actions$ = hot('a', { a: SupervisorPageActions.opened() });
      expectObservable(effects().watchFeed$).toBe('-l 1999ms -s', {
        l: SupervisorFeedActions.connectionLost({ message: 'the feed closed (1006)' }),
        s: SupervisorFeedActions.snapshotReceived({ snapshot }),
      });
    });
  });

  it('a refused feed is not retried', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      feed.connect.and.returnValue(
        cold('-#', undefined, new FeedRefusedError(4403, 'requires role supervisor or admin')),
      );
      actions$ = hot('a', { a: SupervisorPageActions.opened() });
      expectObservable(effects().watchFeed$).toBe('-r', {
        r: SupervisorFeedActions.refused({ message: 'requires role supervisor or admin' }),
      });
    });
    expect(feed.connect).toHaveBeenCalledTimes(1);
  });

  it('forces agents away and reports failures per agent', () => {
    api.forcePresence.and.callFake((userId: string) =>
      userId === 'ok' ? of({}) : throwError(() => new Error('user bad is not online')),
    );
    const results: Action[] = [];
    actions$ = of(
      SupervisorPageActions.forceAwayClicked({ userId: 'ok' }),
      SupervisorPageActions.forceAwayClicked({ userId: 'bad' }),
    );
    effects().forceAway$.subscribe((action) => results.push(action));
    expect(api.forcePresence).toHaveBeenCalledWith('ok', 'away');
    expect(results).toEqual([
      SupervisorApiActions.forceAwaySucceeded({ userId: 'ok' }),
      SupervisorApiActions.forceAwayFailed({ userId: 'bad', message: 'user bad is not online' }),
    ]);
  });

  it('monitors once per click burst and joins with the credentials', async () => {
    const credentials = { url: 'ws://lk', room: 'r', token: 't', identity: 'monitor:x:y' };
    const response = new Subject<typeof credentials>();
    api.monitor.and.returnValue(response);
    const clicks = new Subject<Action>();
    actions$ = clicks;
    const results: Action[] = [];
    effects().monitor$.subscribe((action) => results.push(action));
    clicks.next(SupervisorPageActions.monitorClicked({ callId: 'c1' }));
    clicks.next(SupervisorPageActions.monitorClicked({ callId: 'c1' }));
    response.next(credentials);
    response.complete();
    await monitor.join.calls.mostRecent().returnValue;
    await Promise.resolve();
    expect(api.monitor).toHaveBeenCalledTimes(1);
    expect(monitor.join).toHaveBeenCalledOnceWith(credentials, jasmine.any(Function));
    expect(results).toEqual([SupervisorApiActions.monitorJoined({ callId: 'c1' })]);
  });
});
