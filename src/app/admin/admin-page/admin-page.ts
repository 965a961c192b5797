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
import { Store } from '@ngrx/store';
import { authFeature } from '../../auth/auth.feature';
import { TokenStorage } from '../../auth/token-storage';
import { apiErrorMessage } from '../../history/history-api';
import type { AdminSection } from '../../../../protocol/admin-protocol';
import { AdminApi, type Person, type RingGroup } from '../admin-api';
import { AdminChangesService } from '../admin-changes.service';
import { ApiKeysSection } from '../api-keys-section/api-keys-section';
import { PeopleSection } from '../people-section/people-section';
import { PhoneNumbersSection } from '../phone-numbers-section/phone-numbers-section';
import { RingGroupsSection } from '../ring-groups-section/ring-groups-section';

/**
 * The admin console: the tenant's ring groups, phone numbers, API keys and people, each list
 * its own section; the page holds what several of them show (people and groups) and re-reads
 * whatever another admin changed (admin-changes.service.ts).
 */
@Component({
  selector: 'app-admin-page',
  imports: [ApiKeysSection, PeopleSection, PhoneNumbersSection, RingGroupsSection],
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
  private readonly apiKeysSection = viewChild(ApiKeysSection);

  protected readonly allowed = computed(() => this.user()?.role === 'admin');

  /** Active people: who may be a group's member (the people section manages everyone). */
  protected readonly people = signal<Person[]>([]);

  protected readonly groups = signal<RingGroup[]>([]);
  protected readonly loadError = signal<string | null>(null);

  ngOnInit(): void {
    if (!this.allowed()) return;
    this.reload();
    // Another admin's change shows here without a reload: the lists it touched are re-read.
    this.changes
      .watch(() => this.tokens.read()?.token ?? null)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((sections) => this.reloadSections(sections));
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
    if (sections.includes('api-keys')) this.apiKeysSection()?.reload();
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
