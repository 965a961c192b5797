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
      if (element.srcObject !== stream) element.srcObject = stream;
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
