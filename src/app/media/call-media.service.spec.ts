import { TestBed } from '@angular/core/testing';
import type { Action } from '@ngrx/store';
import { CALL_MEDIA_MODULE, CallMediaService, type MediaDebugHook } from './call-media.service';
import type { CallMediaModule } from './call-media-session';
import { MediaSessionEvents } from './media.actions';
import { FakeCallMediaSession, joinRequest } from './testing/fake-call-media';

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('CallMediaService', () => {
  let sessions: FakeCallMediaSession[];
  let captures: { callId: string; stopped: boolean }[];
  let loads: number;
  let failNextLoad: boolean;
  let service: CallMediaService;
  let events: Action[];

  beforeEach(() => {
    sessions = [];
    captures = [];
    loads = 0;
    failNextLoad = false;
    const module: CallMediaModule = {
      captureMedia: ({ callId }) => {
        const capture = { callId, stopped: false };
        captures.push(capture);
        return { stop: () => (capture.stopped = true) };
      },
      createCallMedia: (request, captured) => {
        const session = new FakeCallMediaSession(request, captured);
        sessions.push(session);
        return session;
      },
    };
    TestBed.configureTestingModule({
      providers: [
        {
          provide: CALL_MEDIA_MODULE,
          useValue: async () => {
            loads++;
            if (failNextLoad) {
              failNextLoad = false;
              throw new Error('chunk failed to load');
            }
            return module;
          },
        },
      ],
    });
    service = TestBed.inject(CallMediaService);
    events = [];
    service.events$.subscribe((event) => events.push(event));
  });

  it('loads the media module once, ahead of the first call when prefetched', async () => {
    await service.prefetch();
    service.join(joinRequest('a'));
    service.join(joinRequest('b'));
    await settle();
    expect(loads).toBe(1);
    expect(sessions.map((s) => s.callId)).toEqual(['a', 'b']);
  });

  it('hands the SDK the streams and the store the reports of a call', async () => {
    const media = service.join(joinRequest('a'));
    const remote: (MediaStream | null)[] = [];
    media.on('remoteStreamChanged', (stream) => remote.push(stream));
    await settle();

    sessions[0].report({ connection: 'connected', remoteMediaArrived: true });
    sessions[0].reportRemoteStream(null);
    sessions[0].reportDevices([{ kind: 'audioinput', deviceId: 'mic', label: 'Mic' }]);

    expect(remote).toEqual([null]);
    expect(events).toEqual([
      MediaSessionEvents.stateChanged({
        state: jasmine.objectContaining({ callId: 'a', connection: 'connected' }) as never,
      }),
      MediaSessionEvents.devicesChanged({
        devices: [{ kind: 'audioinput', deviceId: 'mic', label: 'Mic' }],
      }),
    ]);
  });

  it('routes the controls to the call they are for, after the module loaded', async () => {
    service.join(joinRequest('a'));
    service.join(joinRequest('b'));
    await service.setMicrophoneEnabled('b', false);
    await service.setCameraEnabled('a', true);
    await service.switchDevice('a', 'audioinput', 'usb-mic');

    expect(sessions[0].controls).toEqual(['camera:true', 'audioinput:usb-mic']);
    expect(sessions[1].controls).toEqual(['microphone:false']);
    expect(() => service.setMicrophoneEnabled('unknown', true)).toThrowError(/no media/);
  });

  it('leaving reports the call gone; a call left before the module loaded never joins', async () => {
    const first = service.join(joinRequest('a'));
    first.leave();
    await settle();
    expect(sessions).toEqual([]);
    expect(events).toContain(MediaSessionEvents.left({ callId: 'a' }));

    const second = service.join(joinRequest('b'));
    await settle();
    second.leave();
    await settle();
    expect(sessions[0].left).toBeTrue();
    expect(events.at(-1)).toEqual(MediaSessionEvents.left({ callId: 'b' }));
  });

  it('hands devices opened ahead of the join to that call’s room', async () => {
    service.prepare({ callId: 'a', audio: true, video: true });
    await settle();
    expect(captures).toEqual([{ callId: 'a', stopped: false }]);
    service.join(joinRequest('a'));
    service.join(joinRequest('b'));
    await settle();
    expect(sessions[0].captured).toBeDefined();
    expect(sessions[1].captured).toBeUndefined();
    expect(captures[0].stopped).toBeFalse();
  });

  it('releases devices opened for a call that never joined', async () => {
    const preparation = service.prepare({ callId: 'a', audio: true, video: false });
    preparation.cancel();
    await settle();
    expect(captures).toEqual([{ callId: 'a', stopped: true }]);
    service.join(joinRequest('a'));
    await settle();
    expect(sessions[0].captured).toBeUndefined();
  });

  it('leaves every room when the tab goes away', async () => {
    service.join(joinRequest('a'));
    service.join(joinRequest('b'));
    await settle();
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(sessions.map((s) => s.left)).toEqual([true, true]);
  });

  it('reports a media module that failed to load as a failed call, and retries next time', async () => {
    failNextLoad = true;
    service.join(joinRequest('a'));
    await settle();
    expect(events[0]).toEqual(
      MediaSessionEvents.stateChanged({
        state: jasmine.objectContaining({
          callId: 'a',
          connection: 'failed',
          error: 'Could not load the media module: chunk failed to load',
        }) as never,
      }),
    );
    service.join(joinRequest('b'));
    await settle();
    expect(loads).toBe(2);
    expect(sessions.map((s) => s.callId)).toEqual(['b']);
  });

  it('exposes the calls and their RTP figures on window.__switchboardMedia', async () => {
    service.join(joinRequest('a'));
    await settle();
    const hook = (window as unknown as { __switchboardMedia: MediaDebugHook }).__switchboardMedia;
    expect(hook.calls()).toEqual(['a']);
    const [stats] = await hook.stats();
    expect(stats.inbound.video.framesDecoded).toBe(30);
  });
});
