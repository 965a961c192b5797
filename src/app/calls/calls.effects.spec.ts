import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { BehaviorSubject, firstValueFrom, Observable, ReplaySubject, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AuthApiActions } from '../auth/auth.actions';
import { mediaFeature } from '../media/media.feature';
import { sessionFeature } from '../session/session.feature';
import { TelephonyService } from '../shared/telephony.service';
import { Call, TelephonyError } from '@switchboard/telephony';
import { callView } from '@switchboard/telephony/testing';
import {
  ActiveCallActions,
  CallsApiActions,
  CallsSocketActions,
  ClockActions,
  DialBoxActions,
  KeyboardShortcutActions,
  RingingCardActions,
} from './calls.actions';
import { CallsEffects } from './calls.effects';
import { selectHasLiveInboundCall } from './calls.selectors';
import { snapshot } from './testing/call-snapshots';

/** A promise the test settles by hand, to hold a command "in flight". */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const noCommands = {
  accept: async () => undefined,
  reject: async () => undefined,
  hangup: async () => undefined,
  transfer: async () => undefined,
  completeTransfer: async () => undefined,
  cancelTransfer: async () => undefined,
  hold: async () => undefined,
  resume: async () => undefined,
  statusChanged: () => undefined,
};

describe('CallsEffects', () => {
  // Overridden selectors are module-level singletons: undo the overrides for the next spec.
  afterEach(() => TestBed.inject(MockStore, null)?.resetSelectors());

  let actions$: Observable<Action>;
  let store: MockStore;
  let telephony: {
    incomingCalls$: Observable<readonly Call[]>;
    call: jasmine.Spy<(id: string) => Call | undefined>;
    session: { dial: jasmine.Spy };
  };

  function createEffects(): CallsEffects {
    TestBed.configureTestingModule({
      providers: [
        CallsEffects,
        provideMockActions(() => actions$),
        provideMockStore(),
        { provide: TelephonyService, useValue: telephony },
      ],
    });
    store = TestBed.inject(MockStore);
    store.overrideSelector(sessionFeature.selectRegistered, false);
    store.overrideSelector(selectHasLiveInboundCall, false);
    store.overrideSelector(mediaFeature.selectVideoCalls, false);
    return TestBed.inject(CallsEffects);
  }

  beforeEach(() => {
    telephony = {
      incomingCalls$: new BehaviorSubject<readonly Call[]>([]),
      call: jasmine.createSpy('call'),
      session: { dial: jasmine.createSpy('dial') },
    };
  });

  describe('with fakes', () => {
    let subject: ReplaySubject<Action>;
    let effects: CallsEffects;

    beforeEach(() => {
      subject = new ReplaySubject<Action>();
      actions$ = subject;
      effects = createEffects();
    });

    it('accept$ answers once however often Accept is pressed while answering', async () => {
      const answering = deferred();
      const call = new Call(callView({ id: 'a' }), noCommands);
      const answer = spyOn(call, 'answer').and.returnValue(answering.promise);
      telephony.call.and.returnValue(call);
      const results = firstValueFrom(effects.accept$.pipe(take(2), toArray()));

      subject.next(RingingCardActions.acceptClicked({ callId: 'a' }));
      subject.next(KeyboardShortcutActions.acceptPressed({ callId: 'a' }));
      subject.next(RingingCardActions.acceptClicked({ callId: 'a' }));
      answering.resolve();
      await Promise.resolve();
      telephony.call.and.returnValue(undefined);
      subject.next(RingingCardActions.acceptClicked({ callId: 'gone' }));

      expect(await results).toEqual([
        CallsApiActions.acceptSucceeded({ callId: 'a' }),
        CallsApiActions.acceptFailed({
          callId: 'gone',
          reason: 'not-found',
          message: 'call gone is no longer here',
        }),
      ]);
      expect(answer).toHaveBeenCalledOnceWith({ audio: true, video: false });
    });

    it('accept$ turns the camera on when the agent chose video calls', async () => {
      store.overrideSelector(mediaFeature.selectVideoCalls, true);
      store.refreshState();
      const call = new Call(callView({ id: 'a' }), noCommands);
      const answer = spyOn(call, 'answer').and.resolveTo();
      telephony.call.and.returnValue(call);
      const result = firstValueFrom(effects.accept$);
      subject.next(RingingCardActions.acceptClicked({ callId: 'a' }));
      expect(await result).toEqual(CallsApiActions.acceptSucceeded({ callId: 'a' }));
      expect(answer).toHaveBeenCalledOnceWith({ audio: true, video: true });
    });

    it('decline$ turns a refused reject into Decline Failed with the reason', async () => {
      const call = new Call(callView({ id: 'a' }), noCommands);
      spyOn(call, 'reject').and.rejectWith(new TelephonyError('wrong-state', 'already answered'));
      telephony.call.and.returnValue(call);

      subject.next(RingingCardActions.declineClicked({ callId: 'a' }));

      expect(await firstValueFrom(effects.decline$)).toEqual(
        CallsApiActions.declineFailed({
          callId: 'a',
          reason: 'wrong-state',
          message: 'already answered',
        }),
      );
    });

    it('hangUp$ sends hang-ups in order, one after the other', async () => {
      const first = deferred();
      const calls = {
        a: new Call(callView({ id: 'a' }), noCommands),
        b: new Call(callView({ id: 'b', direction: 'outbound' }), noCommands),
      };
      const order: string[] = [];
      spyOn(calls.a, 'hangup').and.callFake(() => (order.push('a'), first.promise));
      spyOn(calls.b, 'hangup').and.callFake(async () => void order.push('b'));
      telephony.call.and.callFake((id: string) => calls[id as 'a' | 'b']);
      const results = firstValueFrom(effects.hangUp$.pipe(take(2), toArray()));

      subject.next(ActiveCallActions.hangUpClicked({ callId: 'a' }));
      subject.next(DialBoxActions.hangUpClicked({ callId: 'b' }));
      await Promise.resolve();
      expect(order).toEqual(['a']);
      first.resolve();

      expect(await results).toEqual([
        CallsApiActions.hangUpSucceeded({ callId: 'a' }),
        CallsApiActions.hangUpSucceeded({ callId: 'b' }),
      ]);
      expect(order).toEqual(['a', 'b']);
    });

    it('dial$ follows the placed call through every status', async () => {
      const view = callView({
        id: 'out',
        direction: 'outbound',
        to: { name: 'support', address: '/group/support' },
      });
      const call = new Call(view, noCommands);
      telephony.session.dial.and.resolveTo(call);
      const results = firstValueFrom(effects.dial$.pipe(take(3), toArray()));

      subject.next(DialBoxActions.callClicked({ address: '/group/support' }));
      await new Promise((resolve) => setTimeout(resolve));
      call.update({ ...view, status: 'connected', answeredAt: 5_000 });
      call.destroy();

      const statuses = (await results).map((action) =>
        action.type === CallsApiActions.outgoingCallUpdated.type ? action.call.status : action.type,
      );
      expect(statuses).toEqual(['ringing', 'connected', 'destroyed']);
      expect(telephony.session.dial).toHaveBeenCalledOnceWith('/group/support', {
        media: { audio: true, video: false },
      });
    });

    it('dial$ reports an address the server does not know', async () => {
      telephony.session.dial.and.rejectWith(new TelephonyError('not-found', 'no such address'));
      subject.next(DialBoxActions.callClicked({ address: '/private/nobody' }));

      expect(await firstValueFrom(effects.dial$)).toEqual(
        CallsApiActions.dialFailed({
          address: '/private/nobody',
          reason: 'not-found',
          message: 'no such address',
        }),
      );
    });
  });

  describe('with marbles', () => {
    let testScheduler: TestScheduler;

    beforeEach(() => {
      testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    });

    it('listenToIncomingCalls$ turns each list into one List Received while registered', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const call = new Call(
          callView({ id: 'call-1', createdAt: 100_000, ringingAt: 100_000 }),
          noCommands,
        );
        telephony.incomingCalls$ = cold('a-b', { a: [call], b: [] });
        actions$ = cold('');
        const effects = createEffects();
        store.overrideSelector(sessionFeature.selectRegistered, true);
        store.refreshState();

        expectObservable(effects.listenToIncomingCalls$).toBe('a-b', {
          a: CallsSocketActions.listReceived({ calls: [snapshot()], receivedAt: 0 }),
          b: CallsSocketActions.listReceived({ calls: [], receivedAt: 2 }),
        });
      });
    });

    it('listenToIncomingCalls$ stays silent while offline with no call', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        telephony.incomingCalls$ = cold('a', { a: [] });
        actions$ = cold('');
        expectObservable(createEffects().listenToIncomingCalls$).toBe('');
      });
    });

    it('expireEndedCards$ lets each ended card go once, five seconds after it ended', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const ended = snapshot({ status: 'disconnected', endReason: 'answered_elsewhere' });
        actions$ = hot('-a-b-c', {
          a: CallsSocketActions.listReceived({ calls: [snapshot(), ended], receivedAt: 0 }),
          b: CallsSocketActions.listReceived({ calls: [ended], receivedAt: 0 }),
          c: CallsSocketActions.listReceived({
            calls: [{ ...ended, status: 'destroyed' }],
            receivedAt: 0,
          }),
        });
        expectObservable(createEffects().expireEndedCards$).toBe('- 5000ms x', {
          x: RingingCardActions.endedCardExpired({ callId: 'call-1', attempt: 1 }),
        });
      });
    });

    it('tick$ moves the clock every second once signed in', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        actions$ = hot('a', { a: AuthApiActions.signInSucceeded({ user: null!, expiresAt: 0 }) });
        expectObservable(createEffects().tick$, '^ 2500ms !').toBe('1000ms x 999ms y', {
          x: ClockActions.ticked({ now: 1000 }),
          y: ClockActions.ticked({ now: 2000 }),
        });
      });
    });
  });
});
