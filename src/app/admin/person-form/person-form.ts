import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { map, type Observable } from 'rxjs';
import { FormFooter } from '../form-footer/form-footer';
import { apiErrorMessage } from '../../history/history-api';
import { AdminApi, type ManagedPerson, type PersonWithPassword } from '../admin-api';
import {
  createBodyOf,
  nameProblems,
  newPersonDraft,
  personDraftProblems,
  ROLES,
  type PersonDraft,
} from '../people-form';

/**
 * One person's form: a new person (sign-in email, name, role, initial password) or an existing
 * one's name and role, with the same fields, checks and error display for both. It checks what
 * the server checks (people-form.ts), sends the request itself and shows the server's refusal
 * inline, as it says it; the section hears only of what was saved.
 */
@Component({
  selector: 'app-person-form',
  imports: [FormFooter, FormsModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  templateUrl: './person-form.html',
  styleUrl: '../admin-page/admin-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonForm implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly destroyRef = inject(DestroyRef);

  /** The person to edit; none: a new person. */
  readonly person = input<ManagedPerson | null>(null);
  /** Saved: the person as the server now has them, and a generated password to show once. */
  readonly saved = output<PersonWithPassword>();
  readonly cancelled = output<void>();

  protected readonly roles = ROLES;
  protected readonly adding = computed(() => this.person() === null);
  protected readonly draft = signal<PersonDraft>(newPersonDraft());
  protected readonly touched = signal(false);
  protected readonly saving = signal(false);
  protected readonly serverError = signal<string | null>(null);
  /** An existing person's sign-in and password are not edited here (see Password). */
  protected readonly problems = computed(() =>
    this.adding() ? personDraftProblems(this.draft()) : nameProblems(this.draft().name),
  );

  ngOnInit(): void {
    const person = this.person();
    if (person) this.draft.set({ ...newPersonDraft(), name: person.name, role: person.role });
  }

  protected update<Key extends keyof PersonDraft>(key: Key, value: PersonDraft[Key]): void {
    this.draft.update((draft) => ({ ...draft, [key]: value }));
  }

  protected save(): void {
    this.touched.set(true);
    if (this.problems().length > 0 || this.saving()) return;
    const person = this.person();
    const { name, role } = this.draft();
    this.saving.set(true);
    this.serverError.set(null);
    const request: Observable<PersonWithPassword> = person
      ? this.api
          .updatePerson(person.id, { name: name.trim(), role })
          .pipe(map((updated) => ({ person: updated })))
      : this.api.createPerson(createBodyOf(this.draft()));
    request.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (result) => {
        this.saving.set(false);
        this.saved.emit(result);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.serverError.set(apiErrorMessage(error));
      },
    });
  }
}
