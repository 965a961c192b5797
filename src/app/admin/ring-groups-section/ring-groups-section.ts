import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  model,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { FormFooter } from '../form-footer/form-footer';
import { apiErrorMessage } from '../../history/history-api';
import { AdminApi, type Person, type RingGroup } from '../admin-api';
import {
  draftOf,
  draftProblems,
  newDraft,
  settingsOf,
  STRATEGIES,
  type RingGroupDraft,
} from '../ring-group-form';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The tenant's ring groups with every routing setting (strategy, members in ring order, timings,
 * waiting audio, overflow, business hours, wrap-up). The form checks what the server checks
 * (ring-group-form.ts); what the server still refuses is shown inline as it says it. The page
 * holds the list (its phone numbers route to these groups); this section edits it.
 */
@Component({
  selector: 'app-ring-groups-section',
  imports: [
    FormFooter,
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './ring-groups-section.html',
  styleUrl: '../admin-page/admin-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RingGroupsSection {
  private readonly api = inject(AdminApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly groups = model.required<RingGroup[]>();
  /** Active people: who may be a group's member. */
  readonly people = input.required<Person[]>();

  protected readonly strategies = STRATEGIES;
  protected readonly days = DAYS;
  protected readonly error = signal<string | null>(null);

  /** The group being edited: null for none, '' for a new one. */
  protected readonly editing = signal<string | null>(null);
  protected readonly draft = signal<RingGroupDraft>(newDraft());
  protected readonly saving = signal(false);
  protected readonly serverError = signal<string | null>(null);
  protected readonly touched = signal(false);
  protected readonly problems = computed(() => draftProblems(this.draft()));
  protected readonly otherGroups = computed(() =>
    this.groups().filter((group) => group.id !== this.editing()),
  );
  protected readonly nonMembers = computed(() =>
    this.people().filter((person) => !this.draft().members.includes(person.id)),
  );

  protected nameOf(userId: string): string {
    return this.people().find((person) => person.id === userId)?.name ?? userId;
  }

  protected strategyLabel(value: string): string {
    return STRATEGIES.find((strategy) => strategy.value === value)?.label ?? value;
  }

  protected newGroup(): void {
    this.startEditing('', newDraft());
  }

  protected editGroup(group: RingGroup): void {
    this.startEditing(group.id, draftOf(group));
  }

  protected cancelEditing(): void {
    this.editing.set(null);
  }

  protected update<Key extends keyof RingGroupDraft>(key: Key, value: RingGroupDraft[Key]): void {
    this.draft.update((draft) => ({ ...draft, [key]: value }));
  }

  protected addMember(userId: string): void {
    if (userId) this.update('members', [...this.draft().members, userId]);
  }

  protected removeMember(userId: string): void {
    this.update(
      'members',
      this.draft().members.filter((id) => id !== userId),
    );
  }

  /** Moves a member one place earlier (-1) or later (+1) in ring order. */
  protected moveMember(index: number, step: -1 | 1): void {
    const members = [...this.draft().members];
    const target = index + step;
    if (target < 0 || target >= members.length) return;
    [members[index], members[target]] = [members[target], members[index]];
    this.update('members', members);
  }

  protected updateHours(index: number, field: 'day' | 'open' | 'close', value: string): void {
    this.update(
      'hours',
      this.draft().hours.map((entry, at) =>
        at === index ? { ...entry, [field]: field === 'day' ? Number(value) : value } : entry,
      ),
    );
  }

  protected addHours(): void {
    this.update('hours', [...this.draft().hours, { day: 1, open: '09:00', close: '17:00' }]);
  }

  protected removeHours(index: number): void {
    this.update(
      'hours',
      this.draft().hours.filter((_, at) => at !== index),
    );
  }

  protected saveGroup(): void {
    this.touched.set(true);
    if (this.problems().length > 0 || this.saving()) return;
    const id = this.editing();
    const settings = settingsOf(this.draft());
    this.saving.set(true);
    this.serverError.set(null);
    const request = id
      ? this.api.updateRingGroup(id, settings)
      : this.api.createRingGroup(settings);
    request.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.editing.set(null);
        this.groups.update((groups) =>
          [...groups.filter((group) => group.id !== saved.id), saved].sort((a, b) =>
            a.name < b.name ? -1 : 1,
          ),
        );
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.serverError.set(apiErrorMessage(error));
      },
    });
  }

  protected deleteGroup(group: RingGroup): void {
    this.error.set(null);
    this.api
      .deleteRingGroup(group.id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => {
          this.groups.update((groups) => groups.filter((candidate) => candidate.id !== group.id));
          if (this.editing() === group.id) this.editing.set(null);
        },
        error: (error: unknown) => this.error.set(apiErrorMessage(error)),
      });
  }

  private startEditing(id: string, draft: RingGroupDraft): void {
    this.editing.set(id);
    this.draft.set(draft);
    this.touched.set(false);
    this.serverError.set(null);
  }
}
