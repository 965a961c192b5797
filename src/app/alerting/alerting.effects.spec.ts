import { LiveAnnouncer } from '@angular/cdk/a11y';
import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { Subject } from 'rxjs';
import { selectRingingCalls } from '../calls/calls.selectors';
import { callRecord } from '../calls/testing/call-snapshots';
import { OnlineToggleActions } from '../session/session.actions';
import { initialRootState } from '../testing/initial-state';
import { AlertingEffects } from './alerting.effects';
import { RingNotifier } from './ring-notifier';
import { Ringtone } from './ringtone';
import { TitleFlasher } from './title-flasher';

describe('AlertingEffects', () => {
  let actions: Subject<Action>;
  let store: MockStore;
  let ringtone: jasmine.SpyObj<Ringtone>;
  let notifier: jasmine.SpyObj<RingNotifier>;
  let flasher: jasmine.SpyObj<TitleFlasher>;
  let announcer: jasmine.SpyObj<LiveAnnouncer>;
  let effects: AlertingEffects;

  afterEach(() => store.resetSelectors());

  beforeEach(() => {
    actions = new Subject<Action>();
    ringtone = jasmine.createSpyObj<Ringtone>('Ringtone', ['unlock', 'start', 'stop']);
    notifier = jasmine.createSpyObj<RingNotifier>(
      'RingNotifier',
      ['requestPermission', 'notify', 'close'],
      { openCallIds: [] },
    );
    flasher = jasmine.createSpyObj<TitleFlasher>('TitleFlasher', ['start', 'stop']);
    announcer = jasmine.createSpyObj<LiveAnnouncer>('LiveAnnouncer', ['announce']);
    TestBed.configureTestingModule({
      providers: [
        AlertingEffects,
        provideMockActions(() => actions),
        provideMockStore({ initialState: initialRootState }),
        { provide: Ringtone, useValue: ringtone },
        { provide: RingNotifier, useValue: notifier },
        { provide: TitleFlasher, useValue: flasher },
        { provide: LiveAnnouncer, useValue: announcer },
      ],
    });
    store = TestBed.inject(MockStore);
    store.overrideSelector(selectRingingCalls, []);
    effects = TestBed.inject(AlertingEffects);
  });

  it('unlocks audio and asks for notifications on the "Come online" click', () => {
    effects.unlockOnComeOnline$.subscribe();
    actions.next(OnlineToggleActions.comeOnlineToggled());
    expect(ringtone.unlock).toHaveBeenCalled();
    expect(notifier.requestPermission).toHaveBeenCalled();
  });

  it('rings, flashes the title, announces and notifies while calls ring; stops after', () => {
    effects.ringtone$.subscribe();
    effects.flashTitle$.subscribe();
    effects.announceNewCalls$.subscribe();

    store.overrideSelector(selectRingingCalls, [callRecord({ id: 'a' })]);
    store.refreshState();
    store.overrideSelector(selectRingingCalls, [
      callRecord({ id: 'a' }),
      callRecord({ id: 'b', from: { name: 'Alan Turing', address: '/private/alan' } }),
    ]);
    store.refreshState();
    store.overrideSelector(selectRingingCalls, []);
    store.refreshState();

    expect(ringtone.start).toHaveBeenCalledTimes(1);
    // Once for the idle start, once when the last call stopped ringing.
    expect(ringtone.stop).toHaveBeenCalledTimes(2);
    expect(flasher.start).toHaveBeenCalledOnceWith('☎ Katherine Johnson is calling');
    expect(announcer.announce.calls.allArgs()).toEqual([
      ['Incoming call from Katherine Johnson for support', 'assertive'],
      ['Incoming call from Alan Turing for support', 'assertive'],
    ]);
    expect(notifier.notify).toHaveBeenCalledTimes(2);
    expect(notifier.close.calls.allArgs()).toEqual([['a'], ['b']]);
  });
});
