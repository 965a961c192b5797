import { TestBed } from '@angular/core/testing';
import { MatSnackBar } from '@angular/material/snack-bar';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { provideMockStore } from '@ngrx/store/testing';
import { asyncScheduler, Observable, of, Subject, throwError } from 'rxjs';
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
import { changesFrame, snapshotFrame, supervisorCall } from './testing/supervisor-frames';

describe('SupervisorEffects', () => {
  let actions$: Observable<Action>;
  let feed: { connect: jasmine.Spy<(token: string) => Observable<SupervisorMessage>> };
  let api: { forcePresence: jasmine.Spy; monitor: jasmine.Spy; assign: jasmine.Spy };
  let snackBar: { open: jasmine.Spy };
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
        { provide: MatSnackBar, useValue: snackBar },
        { provide: EFFECTS_SCHEDULER, useValue: asyncScheduler },
        {
          provide: TokenStorage,
          useValue: { read: () => ({ token: 'jwt', expiresAt: Infinity, user: {} }) },
        },
      ],
    });
    return TestBed.inject(SupervisorEffects);
  }

  beforeEach(() => {
    feed = { connect: jasmine.createSpy('connect') };
    api = {
      forcePresence: jasmine.createSpy('forcePresence'),
      monitor: jasmine.createSpy('monitor'),
      assign: jasmine.createSpy('assign'),
    };
    snackBar = { open: jasmine.createSpy('open') };
    monitor = {
      join: jasmine.createSpy('join').and.resolveTo(undefined),
      leave: jasmine.createSpy('leave').and.resolveTo(undefined),
    };
  });

  it('turns feed frames into actions until the page closes, and a refusal is not retried', () => {
    const socket = new Subject<SupervisorMessage>();
    feed.connect.and.returnValue(socket);
    const actions = new Subject<Action>();
    actions$ = actions;
    const results: Action[] = [];
    effects().watchFeed$.subscribe((action) => results.push(action));
    actions.next(SupervisorPageActions.opened());
    const snapshot = snapshotFrame();
    const changes = changesFrame({ at: 5 });
    socket.next(snapshot);
    socket.next(changes);
    socket.error(new FeedRefusedError(4403, 'requires role supervisor or admin'));
    expect(feed.connect).toHaveBeenCalledOnceWith('jwt');
    expect(results).toEqual([
      SupervisorFeedActions.snapshotReceived({ snapshot }),
      SupervisorFeedActions.changesReceived({ changes }),
      SupervisorFeedActions.refused({ message: 'requires role supervisor or admin' }),
    ]);
  });

  it('stops listening when the page closes', () => {
    const socket = new Subject<SupervisorMessage>();
    feed.connect.and.returnValue(socket);
    const actions = new Subject<Action>();
    actions$ = actions;
    const results: Action[] = [];
    effects().watchFeed$.subscribe((action) => results.push(action));
    actions.next(SupervisorPageActions.opened());
    actions.next(SupervisorPageActions.closed());
    socket.next(snapshotFrame());
    expect(results).toEqual([]);
    expect(socket.observed).toBeFalse();
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
    expect(monitor.join).toHaveBeenCalledOnceWith(credentials, jasmine.any(Function), 'c1');
    expect(results).toEqual([SupervisorApiActions.monitorJoined({ callId: 'c1' })]);
  });

  it('whispers and barges with the mode in the request', async () => {
    const credentials = {
      url: 'ws://lk',
      room: 'r',
      token: 't',
      identity: 'supervisor:x:y',
      mode: 'whisper' as const,
      agentIdentity: 'agent:a:s',
    };
    api.monitor.and.returnValue(of(credentials));
    const clicks = new Subject<Action>();
    actions$ = clicks;
    const results: Action[] = [];
    effects().monitor$.subscribe((action) => results.push(action));
    clicks.next(SupervisorPageActions.whisperClicked({ callId: 'c1' }));
    await monitor.join.calls.mostRecent().returnValue;
    await Promise.resolve();
    clicks.next(SupervisorPageActions.bargeClicked({ callId: 'c1' }));
    await monitor.join.calls.mostRecent().returnValue;
    await Promise.resolve();
    expect(api.monitor.calls.allArgs()).toEqual([
      ['c1', 'whisper'],
      ['c1', 'barge'],
    ]);
    expect(results).toEqual([
      SupervisorApiActions.monitorJoined({ callId: 'c1' }),
      SupervisorApiActions.monitorJoined({ callId: 'c1' }),
    ]);
  });

  it('assigns calls side by side and reports a refusal with its reason', () => {
    const assigned = supervisorCall({ id: 'c1', status: 'ringing' });
    api.assign.and.callFake((callId: string) =>
      callId === 'c1'
        ? of(assigned)
        : throwError(() => new Error('user u2 is busy, not available')),
    );
    const results: Action[] = [];
    actions$ = of(
      SupervisorPageActions.assignClicked({ callId: 'c1', userId: 'u1' }),
      SupervisorPageActions.assignClicked({ callId: 'c2', userId: 'u2' }),
    );
    effects().assign$.subscribe((action) => results.push(action));
    expect(api.assign.calls.allArgs()).toEqual([
      ['c1', 'u1'],
      ['c2', 'u2'],
    ]);
    expect(results).toEqual([
      SupervisorApiActions.assignSucceeded({ call: assigned }),
      SupervisorApiActions.assignFailed({
        callId: 'c2',
        message: 'user u2 is busy, not available',
      }),
    ]);
  });

  it('shows every failed action in one snackbar, and nothing for successes', () => {
    actions$ = of(
      SupervisorApiActions.assignFailed({ callId: 'c2', message: 'call c2 is connected' }),
      SupervisorApiActions.forceAwaySucceeded({ userId: 'u1' }),
      SupervisorApiActions.monitorFailed({ callId: 'c3', message: 'call c3 not found' }),
      SupervisorApiActions.forceAwayFailed({ userId: 'u4', message: 'user u4 is not online' }),
    );
    effects().reportActionErrors$.subscribe();
    expect(snackBar.open.calls.allArgs().map(([message]) => message)).toEqual([
      'call c2 is connected',
      'call c3 not found',
      'user u4 is not online',
    ]);
  });
});
