import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { firstValueFrom, ReplaySubject, Subject, take, toArray } from 'rxjs';
import { DialBoxActions, KeyboardShortcutActions } from '../calls/calls.actions';
import { TelephonyEvents } from '../session/session.actions';
import { CallMediaService } from './call-media.service';
import { DevicePreferences } from './device-preferences';
import {
  DeviceSettingsActions,
  MediaApiActions,
  MediaControlsActions,
  MediaSessionEvents,
} from './media.actions';
import { MediaEffects } from './media.effects';
import { initialCallMediaState } from './media-state';

describe('MediaEffects', () => {
  let actions: ReplaySubject<Action>;
  let events: Subject<Action>;
  let media: jasmine.SpyObj<CallMediaService>;
  let effects: MediaEffects;

  beforeEach(() => {
    actions = new ReplaySubject<Action>();
    events = new Subject<Action>();
    media = jasmine.createSpyObj<CallMediaService>(
      'CallMediaService',
      ['prefetch', 'setMicrophoneEnabled', 'setCameraEnabled', 'switchDevice'],
      { events$: events as never },
    );
    media.prefetch.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        MediaEffects,
        provideMockActions(() => actions),
        { provide: CallMediaService, useValue: media },
      ],
    });
    effects = TestBed.inject(MediaEffects);
  });

  it('prefetches the media module when the agent comes online or places a call', () => {
    effects.prefetch$.subscribe();
    actions.next(TelephonyEvents.registrationChanged({ registered: false }));
    expect(media.prefetch).not.toHaveBeenCalled();
    actions.next(TelephonyEvents.registrationChanged({ registered: true }));
    expect(media.prefetch).toHaveBeenCalledTimes(1);
    actions.next(DialBoxActions.callClicked({ address: '/private/ada' }));
    expect(media.prefetch).toHaveBeenCalledTimes(2);
  });

  it('passes the media engine’s reports on to the store', async () => {
    const report = MediaSessionEvents.stateChanged({ state: initialCallMediaState('a') });
    const received = firstValueFrom(effects.reports$);
    events.next(report);
    expect(await received).toBe(report);
  });

  it('mutes, unmutes and switches the camera in the order clicked; success dispatches nothing', async () => {
    const order: string[] = [];
    media.setMicrophoneEnabled.and.callFake(async (callId, enabled) => {
      order.push(`${callId} microphone ${enabled}`);
    });
    media.setCameraEnabled.and.callFake(async (callId, enabled) => {
      order.push(`${callId} camera ${enabled}`);
    });
    const dispatched: Action[] = [];
    effects.microphone$.subscribe((action) => dispatched.push(action));
    effects.camera$.subscribe((action) => dispatched.push(action));

    actions.next(MediaControlsActions.muteMicrophoneClicked({ callId: 'a' }));
    actions.next(MediaControlsActions.unmuteMicrophoneClicked({ callId: 'a' }));
    actions.next(MediaControlsActions.turnCameraOffClicked({ callId: 'a' }));
    actions.next(MediaControlsActions.turnCameraOnClicked({ callId: 'a' }));
    await new Promise((resolve) => setTimeout(resolve));

    expect(order.filter((step) => step.includes('microphone'))).toEqual([
      'a microphone false',
      'a microphone true',
    ]);
    expect(order.filter((step) => step.includes('camera'))).toEqual([
      'a camera false',
      'a camera true',
    ]);
    expect(dispatched).toEqual([]);
  });

  it('reports a control the room refused, then keeps working', async () => {
    media.switchDevice.and.rejectWith(new Error('device not found'));
    const results = firstValueFrom(effects.device$.pipe(take(2), toArray()));
    actions.next(
      DeviceSettingsActions.deviceChosen({ callId: 'a', kind: 'videoinput', deviceId: 'gone' }),
    );
    actions.next(
      DeviceSettingsActions.deviceChosen({ callId: 'a', kind: 'audioinput', deviceId: 'gone' }),
    );
    expect(await results).toEqual([
      MediaApiActions.controlFailed({
        callId: 'a',
        message: 'Could not switch the camera: device not found',
      }),
      MediaApiActions.controlFailed({
        callId: 'a',
        message: 'Could not switch the microphone: device not found',
      }),
    ]);
    expect(media.switchDevice).toHaveBeenCalledWith('a', 'videoinput', 'gone');
  });

  it('mutes and unmutes from the keyboard like the buttons do', async () => {
    const order: string[] = [];
    media.setMicrophoneEnabled.and.callFake(async (callId, enabled) => {
      order.push(`${callId} microphone ${enabled}`);
    });
    const results = firstValueFrom(effects.microphone$.pipe(take(2), toArray()), {
      defaultValue: [],
    });
    actions.next(KeyboardShortcutActions.muteMicrophonePressed({ callId: 'a' }));
    actions.next(KeyboardShortcutActions.unmuteMicrophonePressed({ callId: 'a' }));
    actions.complete();
    await results;
    expect(order).toEqual(['a microphone false', 'a microphone true']);
  });

  describe('device choices', () => {
    const key = 'switchboard.preferredDevices';
    beforeEach(() => localStorage.removeItem(key));
    afterEach(() => localStorage.removeItem(key));

    it('remembers a choice made outside a call for the next calls, switching nothing', async () => {
      effects.rememberDevice$.subscribe();
      const switched = firstValueFrom(effects.device$.pipe(toArray()));
      actions.next(
        DeviceSettingsActions.deviceChosen({ kind: 'audioinput', deviceId: 'usb', callId: null }),
      );
      actions.complete();
      expect(await switched).toEqual([]);
      expect(media.switchDevice).not.toHaveBeenCalled();
      expect(TestBed.inject(DevicePreferences).read()).toEqual({ audioinput: 'usb' });
    });

    it('switches the call’s device at once and remembers it', async () => {
      media.switchDevice.and.resolveTo();
      effects.rememberDevice$.subscribe();
      const switched = firstValueFrom(effects.device$.pipe(toArray()));
      actions.next(
        DeviceSettingsActions.deviceChosen({ kind: 'videoinput', deviceId: 'cam-2', callId: 'a' }),
      );
      actions.complete();
      await switched;
      expect(media.switchDevice).toHaveBeenCalledOnceWith('a', 'videoinput', 'cam-2');
      expect(TestBed.inject(DevicePreferences).read()).toEqual({ videoinput: 'cam-2' });
    });
  });
});
