import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Store } from '@ngrx/store';
import { Subscription } from 'rxjs';
import { authFeature } from '../../auth/auth.feature';
import {
  apiErrorMessage,
  HistoryApi,
  type CallOutcome,
  type CallTimeline,
  type Disposition,
  type HistoryCall,
  type HistorySearch,
  type PersonRef,
  type TimelineEvent,
} from '../history-api';
import {
  duration,
  endedByLabel,
  eventLabels,
  localDate,
  localMidnight,
  outcomeLabels,
} from '../history-labels';

const SUPERVISOR_ROLES = ['supervisor', 'admin'];
const DAY_MS = 86_400_000;

/**
 * Call history: an agent's own calls, or (supervisors, admins) the tenant's, searchable and
 * paged; a call opens its timeline, and an agent who handled it edits their disposition and
 * note there (through the wrap-up API, while its edit window lasts).
 */
@Component({
  selector: 'app-history-page',
  imports: [
    DatePipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './history-page.html',
  styleUrl: './history-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryPage implements OnInit {
  private readonly api = inject(HistoryApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly user = inject(Store).selectSignal(authFeature.selectUser);

  protected readonly supervising = computed(() =>
    SUPERVISOR_ROLES.includes(this.user()?.role ?? ''),
  );
  protected readonly outcomeLabels = outcomeLabels;
  protected readonly duration = duration;
  protected readonly endedByLabel = endedByLabel;
  protected readonly outcomes = Object.keys(outcomeLabels) as CallOutcome[];

  // The search form.
  protected readonly query = signal('');
  protected readonly fromDate = signal(localDate(Date.now() - 6 * DAY_MS));
  protected readonly toDate = signal(localDate(Date.now()));
  protected readonly outcome = signal<CallOutcome | ''>('');
  protected readonly disposition = signal('');
  protected readonly groupId = signal('');
  protected readonly agentId = signal('');

  protected readonly dispositions = signal<Disposition[]>([]);
  protected readonly groups = signal<PersonRef[]>([]);
  protected readonly agents = signal<PersonRef[]>([]);

  protected readonly calls = signal<HistoryCall[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly timeline = signal<CallTimeline | null>(null);
  protected readonly timelineError = signal<string | null>(null);
  protected readonly draftDisposition = signal('');
  protected readonly draftNote = signal('');
  protected readonly saveState = signal<'idle' | 'saving' | 'saved'>('idle');
  protected readonly saveError = signal<string | null>(null);
  protected readonly editableUntil = signal<number | null>(null);

  /** Whether the signed-in user handled the open call (and so may write its wrap-up). */
  protected readonly handledOpenCall = computed(() => {
    const userId = this.user()?.id;
    const open = this.timeline();
    return (
      !!userId &&
      !!open &&
      open.events.some(
        (event) =>
          (event.type === 'answered' || event.type === 'transferred') && event.user?.id === userId,
      )
    );
  });
  protected readonly activeDispositions = computed(() =>
    this.dispositions().filter(
      (disposition) => disposition.active || disposition.code === this.draftDisposition(),
    ),
  );

  private searching: Subscription | null = null;

  constructor() {
    this.destroyRef.onDestroy(() => this.searching?.unsubscribe());
  }

  ngOnInit(): void {
    this.api
      .dispositions()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ dispositions }) => this.dispositions.set(dispositions),
        error: () => {},
      });
    if (this.supervising())
      this.api
        .directory()
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe({
          next: ({ agents, groups }) => {
            this.agents.set(agents);
            this.groups.set(groups);
          },
          error: () => {},
        });
    this.search();
  }

  protected search(): void {
    this.load(undefined);
  }

  protected loadMore(): void {
    const cursor = this.nextCursor();
    if (cursor) this.load(cursor);
  }

  /** "Answered by Ada Lovelace", "Ended (hangup)". */
  protected eventText(event: TimelineEvent): string {
    return [
      eventLabels[event.type],
      event.user?.name,
      event.endReason ? `(${event.endReason})` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
  }

  protected dispositionLabel(call: HistoryCall): string {
    return (
      call.wrapUps
        .map((wrapUp) => wrapUp.dispositionLabel ?? wrapUp.dispositionCode)
        .filter(Boolean)
        .join(', ') || '–'
    );
  }

  protected openCall(callId: string): void {
    this.timelineError.set(null);
    this.saveState.set('idle');
    this.saveError.set(null);
    this.api
      .timeline(callId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (timeline) => {
          this.timeline.set(timeline);
          const mine = timeline.call.wrapUps.find((wrapUp) => wrapUp.user.id === this.user()?.id);
          this.draftDisposition.set(mine?.dispositionCode ?? '');
          this.draftNote.set(mine?.note ?? '');
          this.editableUntil.set(null);
          if (this.handledOpenCall())
            this.api.wrapUp(callId).subscribe({
              next: (view) => this.editableUntil.set(view.editableUntil),
              error: () => {},
            });
        },
        error: (error: unknown) => this.timelineError.set(apiErrorMessage(error)),
      });
  }

  protected closeTimeline(): void {
    this.timeline.set(null);
  }

  protected saveWrapUp(): void {
    const open = this.timeline();
    if (!open) return;
    this.saveState.set('saving');
    this.saveError.set(null);
    this.api
      .saveWrapUp(open.call.id, {
        dispositionCode: this.draftDisposition() || null,
        note: this.draftNote(),
      })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => {
          this.saveState.set('saved');
          // The list and the open call show the saved disposition too.
          this.refreshCall(open.call.id);
        },
        error: (error: unknown) => {
          this.saveState.set('idle');
          this.saveError.set(apiErrorMessage(error));
        },
      });
  }

  private refreshCall(callId: string): void {
    this.api
      .timeline(callId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (timeline) => {
          this.calls.update((calls) =>
            calls.map((row) => (row.id === callId ? timeline.call : row)),
          );
          if (this.timeline()?.call.id === callId) this.timeline.set(timeline);
        },
        error: () => {},
      });
  }

  private criteria(): HistorySearch {
    return {
      q: this.query().trim() || undefined,
      from: this.fromDate() ? localMidnight(this.fromDate()) : undefined,
      to: this.toDate() ? localMidnight(this.toDate()) + DAY_MS : undefined,
      outcome: this.outcome() || undefined,
      disposition: this.disposition() || undefined,
      groupId: this.groupId() || undefined,
      agentId: this.agentId() || undefined,
      limit: 50,
    };
  }

  private load(cursor: string | undefined): void {
    this.searching?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    this.searching = this.api.search({ ...this.criteria(), cursor }).subscribe({
      next: (page) => {
        this.calls.update((calls) => (cursor ? [...calls, ...page.calls] : page.calls));
        this.nextCursor.set(page.nextCursor);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.loading.set(false);
        this.error.set(apiErrorMessage(error));
      },
    });
  }
}
