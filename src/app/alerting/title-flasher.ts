import { Injectable, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';

/** Alternates the tab title with a message so a ringing call shows in a crowded tab strip. */
@Injectable({ providedIn: 'root' })
export class TitleFlasher {
  private readonly title = inject(Title);
  private timer: ReturnType<typeof setInterval> | null = null;
  private restingTitle: string | null = null;

  start(message: string): void {
    this.stop();
    this.restingTitle = this.title.getTitle();
    let showMessage = true;
    this.title.setTitle(message);
    this.timer = setInterval(() => {
      showMessage = !showMessage;
      this.title.setTitle(showMessage ? message : (this.restingTitle ?? ''));
    }, 1000);
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.title.setTitle(this.restingTitle ?? this.title.getTitle());
    this.restingTitle = null;
  }
}
