import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/**
 * The end of every admin form (person, ring group, phone number, API key): the problems found in the
 * form once it has been submitted, the server's refusal in its own words, then Save and Cancel.
 * Placed inside the `<form>`, so its submit button submits that form.
 */
@Component({
  selector: 'app-form-footer',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: '../admin-page/admin-page.scss',
  template: `
    @if (showProblems() && problems().length > 0) {
      <ul class="error" role="alert" [attr.data-testid]="subject() + '-problems'">
        @for (problem of problems(); track problem) {
          <li>{{ problem }}</li>
        }
      </ul>
    }
    @if (serverError(); as message) {
      <p class="error" role="alert" [attr.data-testid]="subject() + '-server-error'">
        {{ message }}
      </p>
    }
    <div class="row">
      <button
        mat-flat-button
        type="submit"
        [attr.data-testid]="submitTestId() ?? 'save-' + subject()"
        [disabled]="saving()"
      >
        {{ submitLabel() }}
      </button>
      <button mat-button type="button" (click)="cancelled.emit()">Cancel</button>
    </div>
  `,
})
export class FormFooter {
  /** Names the test ids: `<subject>-problems`, `<subject>-server-error`, `save-<subject>`. */
  readonly subject = input.required<string>();
  readonly problems = input.required<readonly string[]>();
  /** The problems are shown only once the form has been submitted. */
  readonly showProblems = input(false);
  readonly serverError = input<string | null>(null);
  readonly saving = input(false);
  readonly submitLabel = input('Save');
  /** The submit button's test id when it is not `save-<subject>` (kept from before the footer). */
  readonly submitTestId = input<string | null>(null);
  readonly cancelled = output();
}
