import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Store } from '@ngrx/store';
import { authFeature } from '../../auth/auth.feature';
import { WrapUpPanelActions } from '../../session/session.actions';
import { sessionFeature } from '../../session/session.feature';
import { apiErrorMessage } from '../../supervisor/supervisor-api';
import { WrapUpApi, type Disposition } from '../wrap-up-api';
import { WrapUpDrafts, type WrapUpDraft } from '../wrap-up-drafts';

/** Seconds one "More time" click adds to the after-call work. */
export const EXTEND_SECONDS = 30;

/**
 * After-call work: while the agent wraps a call up (the server's `wrap_up`), pick a disposition
 * from the tenant's list and write a note, saved on the call's wrap-up record. What is typed is
 * kept as a draft on this device until saved, so a reload (or a crashed tab) brings the panel
 * back with it. "Done" saves and ends the wrap-up; "More time" extends it.
 */
@Component({
  selector: 'app-wrap-up-panel',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  templateUrl: './wrap-up-panel.html',
  styleUrl: './wrap-up-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WrapUpPanel {
  private readonly store = inject(Store);
  private readonly api = inject(WrapUpApi);
  private readonly drafts = inject(WrapUpDrafts);

  private readonly liveWrapUp = this.store.selectSignal(sessionFeature.selectWrapUp);
  private readonly userId = this.store.selectSignal(authFeature.selectUserId);
  private readonly now = signal(Date.now());

  protected readonly draft = signal<WrapUpDraft | null>(null);
  protected readonly dispositions = signal<Disposition[]>([]);
  protected readonly saving = signal(false);
  /** The draft as last saved on the server (null: nothing saved yet, or changed since). */
  protected readonly saved = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly extendSeconds = EXTEND_SECONDS;

  /** The wrap-up the server runs for the draft's call, if it still runs. */
  protected readonly live = computed(() => {
    const live = this.liveWrapUp();
    return live && live.callId === this.draft()?.callId ? live : null;
  });
  protected readonly secondsLeft = computed(() => {
    const endsAt = this.live()?.endsAt;
    return endsAt == null ? null : Math.max(0, Math.ceil((endsAt - this.now()) / 1000));
  });
  /** Active dispositions, plus the chosen one if it was deactivated since. */
  protected readonly choices = computed(() =>
    this.dispositions().filter(
      (disposition) => disposition.active || disposition.code === this.draft()?.dispositionCode,
    ),
  );

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));

    // A draft left by an earlier page (reload, crash) comes back until it is saved.
    effect(() => {
      const userId = this.userId();
      if (!userId) return;
      untracked(() => {
        const stored = this.drafts.read(userId);
        if (stored && !this.draft()) this.show(stored, false);
      });
    });

    // A new wrap-up from the server: its own draft, or a fresh one with what was saved already.
    effect(() => {
      const live = this.liveWrapUp();
      if (!live) return;
      untracked(() => {
        // The clock ticks once a second: read it now, or a fresh countdown starts a second long.
        this.now.set(Date.now());
        if (this.draft()?.callId === live.callId) return;
        const userId = this.userId();
        const stored = userId ? this.drafts.read(userId) : null;
        if (stored?.callId === live.callId) return this.show(stored, false);
        this.show(
          { callId: live.callId, callerName: live.from.name, dispositionCode: null, note: '' },
          true,
        );
      });
    });

    // Saved and no longer wrapping up: nothing left to do here.
    effect(() => {
      if (this.saved() && !this.live() && this.draft()) untracked(() => this.draft.set(null));
    });
  }

  protected chooseDisposition(code: string | null): void {
    this.edit({ dispositionCode: code });
  }

  protected editNote(note: string): void {
    this.edit({ note });
  }

  protected save(then?: () => void): void {
    const draft = this.draft();
    if (!draft || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    this.api
      .save(draft.callId, { dispositionCode: draft.dispositionCode, note: draft.note })
      .subscribe({
        next: () => {
          this.saving.set(false);
          const userId = this.userId();
          if (userId) this.drafts.clear(userId, draft.callId);
          // Unchanged since it went out: what the server has is what the agent sees.
          if (this.draft() === draft) this.saved.set(true);
          then?.();
        },
        error: (error: unknown) => {
          this.saving.set(false);
          this.error.set(`Could not save: ${apiErrorMessage(error)}. The draft is kept here.`);
        },
      });
  }

  /** Saves what is unsaved, ends the after-call work if it still runs, and closes the panel. */
  protected finish(): void {
    const done = () => {
      if (this.live()) this.store.dispatch(WrapUpPanelActions.finishClicked());
      this.draft.set(null);
    };
    if (this.saved()) done();
    else this.save(done);
  }

  protected extend(): void {
    this.store.dispatch(WrapUpPanelActions.extendClicked({ seconds: EXTEND_SECONDS }));
  }

  private show(draft: WrapUpDraft, fetchSaved: boolean): void {
    this.draft.set(draft);
    this.saved.set(false);
    this.error.set(null);
    if (this.dispositions().length === 0)
      this.api.dispositions().subscribe({
        next: (dispositions) => this.dispositions.set(dispositions),
        error: (error: unknown) =>
          this.error.set(`Could not load the dispositions: ${apiErrorMessage(error)}`),
      });
    // A note written during the call (or in another tab) is on the server already.
    if (fetchSaved)
      this.api.wrapUp(draft.callId).subscribe({
        next: (record) => {
          const current = this.draft();
          if (current?.callId !== record.callId || current.note || current.dispositionCode) return;
          this.draft.set({
            ...current,
            dispositionCode: record.dispositionCode,
            note: record.note,
          });
        },
        error: () => undefined, // Nothing saved yet is the usual case; the panel works without it.
      });
  }

  private edit(change: Partial<Pick<WrapUpDraft, 'dispositionCode' | 'note'>>): void {
    const draft = this.draft();
    if (!draft) return;
    const next = { ...draft, ...change };
    this.draft.set(next);
    this.saved.set(false);
    const userId = this.userId();
    if (userId) this.drafts.write(userId, next);
  }
}
