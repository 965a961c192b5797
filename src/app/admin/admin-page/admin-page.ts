import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  viewChild,
  type OnInit,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Store } from '@ngrx/store';
import { authFeature } from '../../auth/auth.feature';
import { TokenStorage } from '../../auth/token-storage';
import { apiErrorMessage } from '../../history/history-api';
import type { AdminSection } from '../../../../protocol/admin-protocol';
import { AdminApi, type ApiKey, type Person, type RingGroup } from '../admin-api';
import { AdminChangesService } from '../admin-changes.service';
import { PeopleSection } from '../people-section/people-section';
import { PhoneNumbersSection } from '../phone-numbers-section/phone-numbers-section';
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
 * The admin console: the tenant's people, its ring groups with every routing setting
 * (strategy, members in ring order, timings, overflow, business hours, wrap-up), its phone
 * numbers and API keys. The form
 * checks what the server checks; what the server still refuses is shown inline as it says it.
 */
@Component({
  selector: 'app-admin-page',
  imports: [
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    PeopleSection,
    PhoneNumbersSection,
  ],
  templateUrl: './admin-page.html',
  styleUrl: './admin-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly user = inject(Store).selectSignal(authFeature.selectUser);
  private readonly changes = inject(AdminChangesService);
  private readonly tokens = inject(TokenStorage);
  private readonly peopleSection = viewChild(PeopleSection);
  private readonly numbersSection = viewChild(PhoneNumbersSection);

  protected readonly strategies = STRATEGIES;
  protected readonly days = DAYS;
  protected readonly allowed = computed(() => this.user()?.role === 'admin');

  /** Active people: who may be a group's member (the people section manages everyone). */
  protected readonly people = signal<Person[]>([]);

  protected readonly groups = signal<RingGroup[]>([]);
  protected readonly loadError = signal<string | null>(null);

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

  protected readonly apiKeys = signal<ApiKey[]>([]);
  protected readonly keyLabel = signal('');
  /** The key just created: shown once, until the next change. */
  protected readonly newKey = signal<{ label: string; key: string } | null>(null);
  protected readonly keyError = signal<string | null>(null);

  ngOnInit(): void {
    if (!this.allowed()) return;
    this.reload();
    // Another admin's change shows here without a reload: the lists it touched are re-read.
    this.changes
      .watch(() => this.tokens.read()?.token ?? null)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((sections) => this.reloadSections(sections));
  }

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
    this.api
      .deleteRingGroup(group.id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => {
          this.groups.update((groups) => groups.filter((candidate) => candidate.id !== group.id));
          if (this.editing() === group.id) this.editing.set(null);
        },
        error: (error: unknown) => this.loadError.set(apiErrorMessage(error)),
      });
  }

  protected createApiKey(): void {
    const label = this.keyLabel().trim();
    if (!label) {
      this.keyError.set('Label: say what the key is for');
      return;
    }
    this.keyError.set(null);
    this.api
      .createApiKey(label)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ key, ...created }) => {
          this.newKey.set({ label: created.label, key });
          this.keyLabel.set('');
          this.apiKeys.update((keys) => [...keys, created]);
        },
        error: (error: unknown) => this.keyError.set(apiErrorMessage(error)),
      });
  }

  protected revokeApiKey(apiKey: ApiKey): void {
    this.keyError.set(null);
    this.api
      .revokeApiKey(apiKey.id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (revoked) =>
          this.apiKeys.update((keys) => keys.map((key) => (key.id === revoked.id ? revoked : key))),
        error: (error: unknown) => this.keyError.set(apiErrorMessage(error)),
      });
  }

  protected when(iso: string | null): string {
    return iso ? new Date(iso).toLocaleString() : 'Never';
  }

  private startEditing(id: string, draft: RingGroupDraft): void {
    this.editing.set(id);
    this.draft.set(draft);
    this.touched.set(false);
    this.serverError.set(null);
  }

  protected reloadPeople(): void {
    this.api
      .people()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ users }) => this.people.set(users),
        error: (error: unknown) => this.loadError.set(apiErrorMessage(error)),
      });
  }

  private reload(): void {
    this.reloadPeople();
    this.reloadApiKeys();
    this.reloadGroups();
  }

  /**
   * What a change elsewhere means here. The number list names the groups and people its numbers
   * route to, so it is re-read with them (a deleted group's numbers route nowhere).
   */
  private reloadSections(sections: readonly AdminSection[]): void {
    if (sections.includes('people')) {
      this.reloadPeople();
      this.peopleSection()?.reload();
    }
    if (sections.includes('ring-groups')) this.reloadGroups();
    if (sections.some((section) => section !== 'api-keys')) this.numbersSection()?.reload();
    if (sections.includes('api-keys')) this.reloadApiKeys();
  }

  private reloadApiKeys(): void {
    this.api
      .apiKeys()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ apiKeys }) => this.apiKeys.set(apiKeys),
        error: (error: unknown) => this.loadError.set(apiErrorMessage(error)),
      });
  }

  private reloadGroups(): void {
    this.api
      .ringGroups()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ ringGroups }) => this.groups.set(ringGroups),
        error: (error: unknown) => this.loadError.set(apiErrorMessage(error)),
      });
  }
}
