import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { Store } from '@ngrx/store';
import { of, switchMap, type Observable } from 'rxjs';
import { TelephonyService } from '../../shared/telephony.service';
import type { Call } from '@switchboard/telephony';
import { AudioLevelMeter } from '../audio-level-meter/audio-level-meter';
import { Keypad } from '../keypad/keypad';
import { MediaControls } from '../media-controls/media-controls';
import { mediaFeature } from '../media.feature';
import { MediaStreamDirective } from '../media-stream';

/**
 * A call's media: the other side's video (or, for audio-only, an avatar and a level meter),
 * this tab's camera preview, and the controls. The streams come from the SDK's Call
 * (`remoteStream$`/`localStream$`); only serializable facts come from the store.
 */
@Component({
  selector: 'app-call-media',
  imports: [AudioLevelMeter, Keypad, MediaControls, MediaStreamDirective],
  templateUrl: './call-media.html',
  styleUrl: './call-media.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-call-id]': 'callId()' },
})
export class CallMedia {
  private readonly store = inject(Store);
  private readonly telephony = inject(TelephonyService);

  readonly callId = input.required<string>();
  /** Who is on the other side, for the avatar and the labels. */
  readonly partyName = input.required<string>();
  /** Show the in-call keypad (DTMF): the other side is a phone. */
  readonly keypad = input(false);
  /**
   * Show the microphone, camera and device controls here. The agent's desk shows them in its
   * one control bar instead, next to Hold, Transfer and Hang up.
   */
  readonly controls = input(true);
  /**
   * The other side put this call on hold: nothing reaches us from it, on purpose. The panel
   * says who put it on hold; "is muted" or "waiting for audio" would be wrong.
   */
  readonly held = input(false);

  protected readonly remoteStream = this.streamOf((call) => call.remoteStream$);
  protected readonly localStream = this.streamOf((call) => call.localStream$);
  private readonly entities = this.store.selectSignal(mediaFeature.selectCallMediaEntities);
  protected readonly media = computed(() => this.entities()[this.callId()] ?? null);

  protected readonly showRemoteVideo = computed(
    () => !!this.media()?.remoteVideo && !!this.remoteStream(),
  );
  protected readonly showLocalVideo = computed(
    () => !!this.media()?.cameraOn && (this.localStream()?.getVideoTracks().length ?? 0) > 0,
  );
  protected readonly speaker = computed(() => this.media()?.activeDevices.audiooutput ?? null);
  protected readonly initials = computed(() =>
    this.partyName()
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0].toUpperCase())
      .join(''),
  );
  protected readonly remoteNote = computed(() => {
    const media = this.media();
    const name = this.partyName();
    if (!media || media.connection === 'joining') return 'Connecting media…';
    if (media.connection === 'failed') return media.error ?? 'Media failed.';
    if (media.connection === 'reconnecting') return 'Media connection lost, reconnecting…';
    if (this.held()) return '';
    if (!media.remoteMediaArrived) return `Waiting for ${name}’s audio and video…`;
    if (media.remoteMicrophoneMuted) return `${name} is muted`;
    return '';
  });

  private streamOf(pick: (call: Call) => Observable<MediaStream | null>) {
    return toSignal(
      toObservable(this.callId).pipe(
        switchMap((callId) => {
          const call = this.telephony.call(callId);
          return call ? pick(call) : of(null);
        }),
      ),
      { initialValue: null },
    );
  }
}
