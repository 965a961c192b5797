/**
 * Schemas several features share: the error body every 4xx/5xx carries, the public view of a
 * user, and id params. Declaring error responses on each route puts them in the OpenAPI docs.
 */
import { Type, type Static, type TSchema } from 'typebox';
import type { UserRecord } from '../directory/directory.ts';
import { privateAddress } from '../directory/directory.ts';

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable reason, e.g. "not-found"' }),
    message: Type.String(),
    statusCode: Type.Integer(),
  },
  { description: 'Error' },
);

/** Error responses for the given statuses, e.g. `...errorResponses(400, 401)`. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody]));
}

export const Role = Type.Enum(['agent', 'supervisor', 'admin']);

export const UserView = Type.Object({
  id: Type.String(),
  reference: Type.String({
    description: 'The identity the tenant knows the user by, usually an email',
  }),
  name: Type.String({ description: 'Display name' }),
  role: Role,
  address: Type.String({ description: 'Dialable address, /private/<username>' }),
});
export type UserView = Static<typeof UserView>;

export const toUserView = (user: UserRecord): UserView => ({
  id: user.id,
  reference: user.reference,
  name: user.displayName,
  role: user.role,
  address: privateAddress(user.username),
});

/** Skill name → level 1–10: what an agent holds, or the least a call requires. */
export const SkillLevels = Type.Record(
  Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$' }),
  Type.Integer({ minimum: 1, maximum: 10 }),
  {
    maxProperties: 20,
    additionalProperties: false,
    description: 'Skill name (lower-case slug) → level 1–10, e.g. {"spanish": 7, "billing": 3}',
  },
);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Shown in the docs next to routes that take `Authorization: Bearer …`. */
export const bearerSecurity = [{ bearer: [] as string[] }];
