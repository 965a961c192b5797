import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { Clipboard } from '@angular/cdk/clipboard';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { apiErrorMessage } from '../../history/history-api';
import { AdminApi, type ApiKey } from '../admin-api';
import { FormFooter } from '../form-footer/form-footer';

/**
 * The tenant's API keys for an admin: create one (the key itself is shown this once, with a
 * copy button: the server keeps only its hash), see each key's label, prefix and when it was
 * last used, and revoke one after a confirmation, since anything using it is refused at once,
 * on every node.
 */
@Component({
  selector: 'app-api-keys-section',
  imports: [FormFooter, FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  templateUrl: './api-keys-section.html',
  styleUrl: '../admin-page/admin-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeysSection implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly clipboard = inject(Clipboard);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly apiKeys = signal<ApiKey[]>([]);
  protected readonly label = signal('');
  protected readonly touched = signal(false);
  protected readonly saving = signal(false);
  /** The server's refusal of a create or a revoke, or a list that could not be read. */
  protected readonly serverError = signal<string | null>(null);
  /** The key just created: shown once, until the next change. */
  protected readonly newKey = signal<{ label: string; key: string } | null>(null);
  protected readonly copied = signal(false);
  /** The key whose revocation waits for the admin's confirmation. */
  protected readonly confirmingRevoke = signal<string | null>(null);
  protected readonly problems = computed(() =>
    this.label().trim() ? [] : ['Label: say what the key is for'],
  );

  ngOnInit(): void {
    this.reload();
  }

  /** Re-reads the list (another admin's change pushed here). */
  reload(): void {
    this.api
      .apiKeys()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ apiKeys }) => this.apiKeys.set(apiKeys),
        error: (error: unknown) => this.serverError.set(apiErrorMessage(error)),
      });
  }

  protected createApiKey(): void {
    this.touched.set(true);
    if (this.problems().length > 0 || this.saving()) return;
    this.saving.set(true);
    this.serverError.set(null);
    this.api
      .createApiKey(this.label().trim())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ key, ...created }) => {
          this.saving.set(false);
          this.newKey.set({ label: created.label, key });
          this.copied.set(false);
          this.clearForm();
          this.apiKeys.update((keys) => [...keys, created]);
        },
        error: (error: unknown) => {
          this.saving.set(false);
          this.serverError.set(apiErrorMessage(error));
        },
      });
  }

  protected clearForm(): void {
    this.label.set('');
    this.touched.set(false);
  }

  protected copyNewKey(key: string): void {
    this.copied.set(this.clipboard.copy(key));
  }

  protected askToRevoke(apiKey: ApiKey): void {
    this.serverError.set(null);
    this.confirmingRevoke.set(apiKey.id);
  }

  protected keepApiKey(): void {
    this.confirmingRevoke.set(null);
  }

  protected revokeApiKey(apiKey: ApiKey): void {
    this.confirmingRevoke.set(null);
    this.serverError.set(null);
    this.api
      .revokeApiKey(apiKey.id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (revoked) =>
          this.apiKeys.update((keys) => keys.map((key) => (key.id === revoked.id ? revoked : key))),
        error: (error: unknown) => this.serverError.set(apiErrorMessage(error)),
      });
  }

  protected when(iso: string | null): string {
    return iso ? new Date(iso).toLocaleString() : 'Never';
  }
}
