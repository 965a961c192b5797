import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { Observable } from 'rxjs';
import { apiErrorMessage } from '../../history/history-api';
import { AdminApi, type ManagedPerson, type PersonWithPassword } from '../admin-api';
import { passwordProblems, ROLES } from '../people-form';
import { PersonForm } from '../person-form/person-form';
import { parseSkills, skillsText } from '../ring-group-form';

/** What the row being worked on shows below it. */
type RowPanel = 'edit' | 'skills' | 'password';

/**
 * The tenant's people for an admin: search, create with a role, rename and change role,
 * skills, deactivate / reactivate (never delete), reset a password. A generated password is
 * shown once, like an API key. Each form checks what the server checks (people-form.ts); what
 * the server still refuses is shown inline, as it says it.
 */
@Component({
  selector: 'app-people-section',
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, PersonForm],
  templateUrl: './people-section.html',
  styleUrl: '../admin-page/admin-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PeopleSection implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly destroyRef = inject(DestroyRef);

  /** Someone was created, renamed, deactivated…: the page's other lists re-read them. */
  readonly peopleChanged = output<void>();

  protected readonly people = signal<ManagedPerson[]>([]);
  protected readonly search = signal('');
  protected readonly shownPeople = computed(() => {
    const query = this.search().trim().toLowerCase();
    return this.people().filter(
      (person) =>
        !query ||
        person.name.toLowerCase().includes(query) ||
        person.reference.toLowerCase().includes(query),
    );
  });
  protected readonly error = signal<string | null>(null);

  protected readonly creating = signal(false);
  /** The password the server generated for someone, shown this once. */
  protected readonly shownPassword = signal<{ name: string; password: string } | null>(null);

  /** The row being worked on and what for. */
  protected readonly open = signal<{ id: string; panel: RowPanel } | null>(null);
  protected readonly skillsDraft = signal('');
  protected readonly newPassword = signal('');
  protected readonly rowError = signal<string | null>(null);

  ngOnInit(): void {
    this.reload();
  }

  /** Re-reads the list (after a change here, or one pushed from elsewhere). */
  reload(): void {
    this.api
      .managedPeople()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ people }) => this.people.set(people),
        error: (error: unknown) => this.error.set(apiErrorMessage(error)),
      });
  }

  protected roleLabel(role: string): string {
    return ROLES.find((candidate) => candidate.value === role)?.label ?? role;
  }

  protected isOpen(person: ManagedPerson, panel: RowPanel): boolean {
    const open = this.open();
    return open?.id === person.id && open.panel === panel;
  }

  protected startCreating(): void {
    this.creating.set(true);
  }

  /** The person form saved someone new or changed: close it and show the result. */
  protected personSaved({ person, password }: PersonWithPassword): void {
    if (this.open()?.id === person.id) this.open.set(null);
    else this.creating.set(false);
    this.shownPassword.set(password ? { name: person.name, password } : null);
    this.upsert(person);
  }

  protected openPanel(person: ManagedPerson, panel: RowPanel): void {
    this.rowError.set(null);
    this.open.set({ id: person.id, panel });
    if (panel === 'edit') return;
    if (panel === 'password') {
      this.newPassword.set('');
    } else {
      this.skillsDraft.set('');
      this.run(this.api.skills(person.id), ({ skills }) =>
        this.skillsDraft.set(skillsText(skills)),
      );
    }
  }

  protected closePanel(): void {
    this.open.set(null);
  }

  protected saveSkills(person: ManagedPerson): void {
    const { skills, problems } = parseSkills(this.skillsDraft());
    if (problems.length > 0) return this.rowError.set(problems.join(' · '));
    this.run(this.api.setSkills(person.id, skills), () => this.open.set(null));
  }

  protected resetPassword(person: ManagedPerson): void {
    const problems = passwordProblems(this.newPassword());
    if (problems.length > 0) return this.rowError.set(problems.join(' · '));
    this.run(this.api.resetPassword(person.id, this.newPassword() || undefined), ({ password }) => {
      this.open.set(null);
      this.shownPassword.set(password ? { name: person.name, password } : null);
    });
  }

  protected setActive(person: ManagedPerson, active: boolean): void {
    this.error.set(null);
    this.api
      .setPersonActive(person.id, active)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (updated) => this.upsert(updated),
        error: (error: unknown) => this.error.set(apiErrorMessage(error)),
      });
  }

  /** One row's request: its error goes under that row. */
  private run<Result>(request: Observable<Result>, next: (result: Result) => void): void {
    this.rowError.set(null);
    request.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next,
      error: (error: unknown) => this.rowError.set(apiErrorMessage(error)),
    });
  }

  private upsert(person: ManagedPerson): void {
    this.people.update((people) =>
      [...people.filter((candidate) => candidate.id !== person.id), person].sort((a, b) =>
        a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1,
      ),
    );
    this.peopleChanged.emit();
  }
}
