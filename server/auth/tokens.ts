/**
 * Session tokens: short-lived HS256 JWTs carrying tenant, user and role. Every HTTP route
 * and the session WebSocket trust only what is inside a verified token, never a body field.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '../shared/errors.ts';

export type Role = 'agent' | 'supervisor' | 'admin';

export interface TokenClaims {
  tenantId: string;
  userId: string;
  role: Role;
}

export class TokenService {
  private readonly key: Uint8Array;
  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: number }> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + this.ttlSeconds;
    const token = await new SignJWT({ tid: claims.tenantId, role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer('switchboard')
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: expiresAt * 1000 };
  }

  /** Throws AppError('unauthorized') for anything but a valid, unexpired token of ours (`exp` required). */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: 'switchboard',
        algorithms: ['HS256'],
        // A correctly signed token without `exp` would otherwise be good forever.
        requiredClaims: ['exp'],
      });
      const { sub, tid, role } = payload as { sub?: unknown; tid?: unknown; role?: unknown };
      if (typeof sub !== 'string' || typeof tid !== 'string' || !isRole(role)) {
        throw new AppError('unauthorized', 'token is missing tenant, user or role');
      }
      return { tenantId: tid, userId: sub, role };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired)
        throw new AppError('unauthorized', 'token expired');
      throw new AppError('unauthorized', 'invalid token');
    }
  }
}

export function isRole(value: unknown): value is Role {
  return value === 'agent' || value === 'supervisor' || value === 'admin';
}
