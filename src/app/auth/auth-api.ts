import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { catchError, map, throwError, type Observable } from 'rxjs';
import type { SignedInUser } from './signed-in-user';

export interface Credentials {
  tenant: string;
  email: string;
  password: string;
}

interface LoginResponse {
  token: string;
  expiresAt: number;
  user: Omit<SignedInUser, 'tenant'>;
}

export interface SignInResult {
  token: string;
  expiresAt: number;
  user: SignedInUser;
}

/** A sign-in the server refused, worded for the sign-in page. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  signIn(credentials: Credentials): Observable<SignInResult> {
    return this.http.post<LoginResponse>('/api/auth/login', credentials).pipe(
      map(({ token, expiresAt, user }) => ({
        token,
        expiresAt,
        user: { ...user, tenant: credentials.tenant },
      })),
      catchError((error: unknown) => throwError(() => new SignInError(signInMessage(error)))),
    );
  }
}

function signInMessage(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) return 'Sign-in failed.';
  if (error.status === 401 || error.status === 403 || error.status === 404) {
    return 'Wrong tenant, email or password.';
  }
  if (error.status === 0) return 'Cannot reach Switchboard. Check your connection.';
  if (error.status === 429) return 'Too many attempts. Wait a moment and try again.';
  const serverMessage = (error.error as { message?: unknown } | null)?.message;
  return typeof serverMessage === 'string' ? serverMessage : `Sign-in failed (${error.status}).`;
}
