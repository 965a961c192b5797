import { Directive, effect, ElementRef, inject, input } from '@angular/core';

/** `setSinkId` is not everywhere yet (and not in every TypeScript DOM lib). */
type SinkableElement = HTMLMediaElement & {
  sinkId?: string;
  setSinkId?: (sinkId: string) => Promise<void>;
};

/** True where audio can be sent to a chosen speaker (Chromium, Firefox; not Safari on iOS). */
export function speakerSelectionSupported(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * Plays a MediaStream in a `<video>` or `<audio>` element: `srcObject` has no attribute, so a
 * template cannot bind it directly. Optionally routes the sound to a chosen speaker.
 */
@Directive({ selector: 'video[appMediaStream], audio[appMediaStream]' })
export class MediaStreamDirective {
  readonly appMediaStream = input<MediaStream | null>(null);
  /** Output device id for the sound; null leaves the element on the system's default. */
  readonly sinkId = input<string | null>(null);

  constructor() {
    const element = inject<ElementRef<SinkableElement>>(ElementRef).nativeElement;
    effect(() => {
      const stream = this.appMediaStream();
      if (element.srcObject === stream) return;
      // The `muted` attribute mutes only an element the HTML parser creates: Angular creates it
      // with createElement, and its [muted] binding may land after this. Without a gesture on the
      // page a browser autoplays only muted media, so an unmuted preview stayed paused (a black
      // box for every caller) wherever autoplay was not forced, i.e. everywhere but the tests.
      if (element.hasAttribute('muted')) element.muted = true;
      element.srcObject = stream;
      // Chromium left a muted preview created inside a @defer block paused even so (readyState 4,
      // currentTime 0) until play() was called: ask explicitly. A refusal (an unmuted element
      // before any gesture) leaves it paused, as autoplay would have.
      if (stream && element.autoplay) {
        element.play().catch((error: unknown) => {
          // AbortError: a newer stream replaced this one before it started; nothing is wrong.
          if (error instanceof DOMException && error.name === 'AbortError') return;
          console.warn('[media] playback refused', error);
        });
      }
    });
    effect(() => {
      const sinkId = this.sinkId();
      if (!sinkId || !element.setSinkId || element.sinkId === sinkId) return;
      element
        .setSinkId(sinkId)
        .catch((error: unknown) => console.warn('[media] choosing the speaker failed', error));
    });
  }
}
