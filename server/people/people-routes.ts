/**
 * People, for the tenant's admins: list (deactivated included), create with a role, rename,
 * change role, deactivate and reactivate (never delete: their calls and wrap-ups stay), reset
 * a password. A deactivated person cannot sign in, their open tabs are closed at once
 * (`AccountEvents`), their tokens are refused from the next request, and they are never rung.
 *
 * Passwords: the admin may type one (to tell the person by phone), or leave it out and get a
 * generated one in that one response, like an API key: it is never stored or shown again.
 */
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateApiKeyOr, type Caller } from '../auth/request-auth.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { IdParams, Role, bearerSecurity, errorResponses } from '../shared/schemas.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { PeopleRepository } from './people-repository.ts';

const PersonView = Type.Object({
  id: Type.String(),
  reference: Type.String({ description: 'What the person signs in with, usually an email' }),
  name: Type.String(),
  role: Role,
  address: Type.String({ description: 'Dialable address, /private/<username>' }),
  active: Type.Boolean({ description: 'false: deactivated (cannot sign in, never rung)' }),
});

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Password = Type.String({
  minLength: 8,
  maxLength: 200,
  description: 'At least 8 characters; leave out to have one generated and shown once',
});

const CreatePersonBody = Type.Object(
  {
    reference: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
    name: Name,
    role: Role,
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);

const UpdatePersonBody = Type.Object(
  { name: Type.Optional(Name), role: Type.Optional(Role) },
  { additionalProperties: false, minProperties: 1 },
);

const PasswordBody = Type.Object(
  { password: Type.Optional(Password) },
  { additionalProperties: false },
);

const WithPassword = Type.Object({
  person: PersonView,
  password: Type.Optional(
    Type.String({ description: 'The generated password: shown in this response only' }),
  ),
});

/** 16 characters from a 62-letter alphabet: about 95 bits, typeable, no look-alike symbols. */
function generatedPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

const tags = ['people'];
const security = bearerSecurity;

const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  const people = new PeopleRepository(app.services.database);
  const { accounts } = app.services;
  const callers = new WeakMap<object, Caller>();
  app.decorateRequest('tenantId', '');
  // Before the body is parsed: an unauthenticated caller learns nothing (tenant-scope.ts).
  app.addHook('onRequest', async (request) => {
    const caller = await authenticateApiKeyOr(request, ['admin']);
    callers.set(request, caller);
    request.tenantId = caller.tenantId;
  });
  const isCaller = (request: object, personId: string) => {
    const caller = callers.get(request);
    return caller?.kind === 'user' && caller.claims.userId === personId;
  };

  app.get(
    '/people',
    {
      schema: {
        tags,
        security,
        summary: 'Everyone in the tenant, deactivated people included, by name',
        response: {
          200: Type.Object({ people: Type.Array(PersonView) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => ({ people: await people.list(request.tenantId) }),
  );

  app.post(
    '/people',
    {
      schema: {
        tags,
        security,
        summary: 'Create a person with a role; without a password one is generated and shown once',
        body: CreatePersonBody,
        response: { 201: WithPassword, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const { reference, name, role } = request.body;
      const generated = request.body.password ? undefined : generatedPassword();
      const person = await people.create(request.tenantId, {
        reference: reference.trim(),
        name: name.trim(),
        role,
        password: request.body.password ?? generated!,
      });
      accounts.changed(request.tenantId);
      return reply.status(201).send(generated ? { person, password: generated } : { person });
    },
  );

  app.patch(
    '/people/:id',
    {
      schema: {
        tags,
        security,
        summary: "Change a person's name or role; the tenant's last active admin stays an admin",
        params: IdParams,
        body: UpdatePersonBody,
        response: { 200: PersonView, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const { name, role } = request.body;
      const person = await people.update(request.tenantId, request.params.id, {
        name: name?.trim(),
        role,
      });
      accounts.changed(request.tenantId);
      return person;
    },
  );

  app.post(
    '/people/:id/deactivate',
    {
      schema: {
        tags,
        security,
        summary:
          'Deactivate: no sign-in, open tabs closed, never rung; records stay. Not yourself, not the last admin',
        params: IdParams,
        response: { 200: PersonView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const id = request.params.id;
      if (isCaller(request, id))
        throw new AppError('conflict', 'you cannot deactivate yourself: ask another admin');
      const person = await people.setActive(tenantId, id, false);
      await accounts.deactivated(tenantId, id);
      return person;
    },
  );

  app.post(
    '/people/:id/reactivate',
    {
      schema: {
        tags,
        security,
        summary: 'Reactivate a deactivated person: they may sign in and be rung again',
        params: IdParams,
        response: { 200: PersonView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const person = await people.setActive(request.tenantId, request.params.id, true);
      accounts.changed(request.tenantId);
      return person;
    },
  );

  app.post(
    '/people/:id/password',
    {
      schema: {
        tags,
        security,
        summary: "Reset a person's password: to the one given, or a generated one shown once",
        params: IdParams,
        body: PasswordBody,
        response: { 200: WithPassword, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const person = await people.byId(tenantId, request.params.id);
      if (!person) throw notFound('person');
      const generated = request.body.password ? undefined : generatedPassword();
      await people.setPassword(tenantId, person.id, request.body.password ?? generated!);
      return generated ? { person, password: generated } : { person };
    },
  );
};

export default peopleRoutes;
