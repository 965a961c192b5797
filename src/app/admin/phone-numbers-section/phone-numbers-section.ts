import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  signal,
  type OnInit,
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
import { AdminApi, type Person, type PhoneNumber, type RingGroup } from '../admin-api';
import {
  changesOf,
  createBodyOf,
  DESTINATION_TYPES,
  destinationText,
  draftOfPhoneNumber,
  newPhoneNumberDraft,
  phoneNumberProblems,
  type PhoneNumberDraft,
} from '../phone-number-form';

/**
 * The tenant's phone numbers for an admin: where each routes (a ring group or a person, with the
 * skills its calls require, or a recorded announcement), its label and whether outbound calls
 * show it. The form checks what the server checks (phone-number-form.ts); what only the server
 * knows (a number invalid in its country, one another tenant has) is shown inline, as it says it.
 */
@Component({
  selector: 'app-phone-numbers-section',
  imports: [
    FormFooter,
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './phone-numbers-section.html',
  styleUrl: '../admin-page/admin-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PhoneNumbersSection implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly destroyRef = inject(DestroyRef);

  /** The destinations to choose from: the page reads them for its own lists too. */
  readonly groups = input.required<RingGroup[]>();
  readonly people = input.required<Person[]>();

  protected readonly destinationTypes = DESTINATION_TYPES;
  protected readonly destinationText = destinationText;
  protected readonly numbers = signal<PhoneNumber[]>([]);
  protected readonly error = signal<string | null>(null);

  /** The number being edited: null for none, '' for a new one. */
  protected readonly editing = signal<string | null>(null);
  protected readonly draft = signal<PhoneNumberDraft>(newPhoneNumberDraft());
  protected readonly touched = signal(false);
  protected readonly saving = signal(false);
  protected readonly serverError = signal<string | null>(null);
  protected readonly problems = computed(() =>
    phoneNumberProblems(this.draft(), this.editing() === ''),
  );

  ngOnInit(): void {
    this.reload();
  }

  /** Re-reads the list (after a change here, or one pushed from elsewhere). */
  reload(): void {
    this.api
      .phoneNumbers()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ phoneNumbers }) => this.numbers.set(phoneNumbers),
        error: (error: unknown) => this.error.set(apiErrorMessage(error)),
      });
  }

  protected newNumber(): void {
    this.startEditing('', newPhoneNumberDraft());
  }

  protected editNumber(phoneNumber: PhoneNumber): void {
    this.startEditing(phoneNumber.id, draftOfPhoneNumber(phoneNumber));
  }

  protected cancelEditing(): void {
    this.editing.set(null);
  }

  protected update<Key extends keyof PhoneNumberDraft>(
    key: Key,
    value: PhoneNumberDraft[Key],
  ): void {
    this.draft.update((draft) => ({ ...draft, [key]: value }));
  }

  protected saveNumber(): void {
    this.touched.set(true);
    if (this.problems().length > 0 || this.saving()) return;
    const id = this.editing();
    this.saving.set(true);
    this.serverError.set(null);
    const request = id
      ? this.api.updatePhoneNumber(id, changesOf(this.draft()))
      : this.api.createPhoneNumber(createBodyOf(this.draft()));
    request.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: () => {
        this.saving.set(false);
        this.editing.set(null);
        // Marking one number the caller ID clears the mark on the others: read them all again.
        this.reload();
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.serverError.set(apiErrorMessage(error));
      },
    });
  }

  protected deleteNumber(phoneNumber: PhoneNumber): void {
    this.error.set(null);
    this.api
      .deletePhoneNumber(phoneNumber.id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => {
          if (this.editing() === phoneNumber.id) this.editing.set(null);
          this.reload();
        },
        error: (error: unknown) => this.error.set(apiErrorMessage(error)),
      });
  }

  private startEditing(id: string, draft: PhoneNumberDraft): void {
    this.editing.set(id);
    this.draft.set(draft);
    this.touched.set(false);
    this.serverError.set(null);
  }
}
