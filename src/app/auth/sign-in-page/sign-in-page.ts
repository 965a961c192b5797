import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Store } from '@ngrx/store';
import { SignInPageActions } from '../auth.actions';
import { authFeature } from '../auth.feature';

@Component({
  selector: 'app-sign-in-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './sign-in-page.html',
  styleUrl: './sign-in-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInPage {
  private readonly store = inject(Store);

  protected readonly signingIn = this.store.selectSignal(authFeature.selectStatus);
  protected readonly error = this.store.selectSignal(authFeature.selectError);
  protected readonly form = inject(NonNullableFormBuilder).group({
    tenant: ['', Validators.required],
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });

  protected signIn(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { tenant, email, password } = this.form.getRawValue();
    this.store.dispatch(
      SignInPageActions.signInSubmitted({ tenant: tenant.trim(), email: email.trim(), password }),
    );
  }
}
