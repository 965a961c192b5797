import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { BehaviorSubject } from 'rxjs';
import { TelephonyService } from '../../shared/telephony.service';
import type { Call } from '@switchboard/telephony';
import { initialRootState } from '../../testing/initial-state';
import { initialMediaState, type CallMediaRecord } from '../media.feature';
import { initialCallMediaState } from '../media-state';
import { CallMedia } from './call-media';

/** A stream with a real video track (a canvas) and, optionally, a real audio track. */
function stream(kinds: { video?: boolean; audio?: boolean }): MediaStream {
  const tracks: MediaStreamTrack[] = [];
  if (kinds.video)
    tracks.push(...document.createElement('canvas').captureStream().getVideoTracks());
  if (kinds.audio)
    tracks.push(...new AudioContext().createMediaStreamDestination().stream.getAudioTracks());
  return new MediaStream(tracks);
}

function stateWith(media: Partial<CallMediaRecord>) {
  const record: CallMediaRecord = {
    ...initialCallMediaState('call-1'),
    connection: 'connected',
    remoteMediaArrived: true,
    remoteMicrophoneMuted: false,
    controlError: null,
    ...media,
  };
  return {
    ...initialRootState,
    media: { ...initialMediaState, ids: ['call-1'], entities: { 'call-1': record } },
  };
}

describe('CallMedia', () => {
  let fixture: ComponentFixture<CallMedia>;
  let store: MockStore;
  let remote$: BehaviorSubject<MediaStream | null>;
  let local$: BehaviorSubject<MediaStream | null>;
  let element: HTMLElement;

  beforeEach(() => {
    remote$ = new BehaviorSubject<MediaStream | null>(null);
    local$ = new BehaviorSubject<MediaStream | null>(null);
    const call = { id: 'call-1', remoteStream$: remote$, localStream$: local$ } as unknown as Call;
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({ initialState: stateWith({}) }),
        {
          provide: TelephonyService,
          useValue: { call: (id: string) => (id === 'call-1' ? call : undefined) },
        },
      ],
    });
    store = TestBed.inject(MockStore);
    fixture = TestBed.createComponent(CallMedia);
    fixture.componentRef.setInput('callId', 'call-1');
    fixture.componentRef.setInput('partyName', 'Katherine Johnson');
    element = fixture.nativeElement as HTMLElement;
  });

  it('plays the other side’s video unmuted and shows this tab’s camera muted', async () => {
    const remote = stream({ video: true, audio: true });
    const local = stream({ video: true, audio: true });
    remote$.next(remote);
    local$.next(local);
    store.setState(stateWith({ remoteVideo: true, cameraOn: true }));
    await fixture.whenStable();

    const remoteVideo = element.querySelector<HTMLVideoElement>('video.remote-video')!;
    expect(remoteVideo.srcObject).toBe(remote);
    expect(remoteVideo.muted).toBeFalse();
    expect(remoteVideo.autoplay).toBeTrue();
    expect(remoteVideo.hasAttribute('playsinline')).toBeTrue();
    expect(remoteVideo.getAttribute('aria-label')).toBe('Video of Katherine Johnson');

    const localVideo = element.querySelector<HTMLVideoElement>('video.local-video')!;
    expect(localVideo.srcObject).toBe(local);
    expect(localVideo.muted).toBeTrue();
    expect(localVideo.hasAttribute('muted')).toBeTrue();
    expect(localVideo.autoplay).toBeTrue();
    expect(localVideo.hasAttribute('playsinline')).toBeTrue();
    expect(element.querySelector('.avatar')).toBeNull();
  });

  it('shows an avatar and a level meter for an audio-only call, and still plays its sound', async () => {
    const remote = stream({ audio: true });
    remote$.next(remote);
    store.setState(stateWith({ remoteVideo: false, cameraOn: false }));
    await fixture.whenStable();

    expect(element.querySelector('video')).toBeNull();
    expect(element.querySelector('.avatar')?.textContent).toBe('KJ');
    expect(element.querySelector<HTMLAudioElement>('audio.remote-audio')?.srcObject).toBe(remote);
    const meter = element.querySelector('app-audio-level-meter')!;
    expect(meter.getAttribute('role')).toBe('meter');
    expect(meter.getAttribute('aria-label')).toBe('Katherine Johnson’s audio level');
  });

  it('says what is going on with the other side', async () => {
    store.setState(stateWith({ connection: 'joining', remoteMediaArrived: false }));
    await fixture.whenStable();
    const note = () => element.querySelector('.remote-note')?.textContent?.trim();
    expect(note()).toBe('Connecting media…');

    store.setState(stateWith({ remoteMediaArrived: false }));
    await fixture.whenStable();
    expect(note()).toBe('Waiting for Katherine Johnson’s audio and video…');

    store.setState(stateWith({ remoteMicrophoneMuted: true }));
    await fixture.whenStable();
    expect(note()).toBe('Katherine Johnson is muted');

    store.setState(stateWith({ connection: 'failed', error: 'Media did not connect: timeout' }));
    await fixture.whenStable();
    expect(note()).toBe('Media did not connect: timeout');
  });
});
