/**
 * Sign-in for people: password login, token refresh and "who am I". Tokens are short-lived;
 * the console refreshes before expiry, and a refresh re-reads the user. Every request with a
 * token re-reads it too (request-auth.ts): a deactivated person is refused and a changed role
 * counts at once.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../shared/errors.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { UserView, bearerSecurity, errorResponses, toUserView } from '../shared/schemas.ts';
import { TenantRepository } from '../tenants/tenant-repository.ts';
import { authenticateUser } from './request-auth.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { LoginThrottle } from './login-throttle.ts';

const LoginBody = Type.Object(
  {
    tenant: Type.String({ minLength: 1, maxLength: 100, description: 'Tenant name' }),
    email: Type.String({ minLength: 1, maxLength: 254, description: "The user's reference" }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

const Session = Type.Object({
  token: Type.String(),
  expiresAt: Type.Number({ description: 'Epoch milliseconds' }),
  user: UserView,
});

const Me = Type.Object({
  user: UserView,
  tenant: Type.Object({ id: Type.String(), name: Type.String() }),
});

// One message for every failure, so a caller cannot probe which tenants or users exist.
const invalidCredentials = () => new AppError('unauthorized', 'invalid credentials');

// Unknown users still pay for one scrypt run, so response time does not reveal them either.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword('decoy-password-never-matches'));

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  const { database, directory, tokens, config } = app.services;
  const tenants = new TenantRepository(database);
  const throttle = new LoginThrottle({
    maxFailuresPerAccount: config.loginMaxFailuresPerAccount,
    maxFailuresPerClient: config.loginMaxFailuresPerClient,
    windowMs: config.loginFailureWindowSeconds * 1000,
  });

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Sign in with tenant, email and password. Failed sign-ins are limited per account and per client: 429 with Retry-After',
        body: LoginBody,
        response: { 200: Session, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const { tenant: tenantName, email, password } = request.body;
      const account = `${tenantName}\n${email}`;
      // Before any hashing: a locked account or client costs nothing.
      throttle.check(account, request.ip);
      const tenant = await tenants.tenantByName(tenantName);
      const user = tenant ? await tenants.userByReference(tenant.id, email) : null;
      const passwordMatches = await verifyPassword(password, user?.passwordHash ?? (await decoy()));
      // A deactivated person gets the same answer as a wrong password.
      if (!user || !user.passwordHash || !passwordMatches || user.deactivated) {
        throttle.failed(account, request.ip);
        throw invalidCredentials();
      }
      throttle.succeeded(account);
      const issued = await tokens.issue({
        tenantId: user.tenantId,
        userId: user.id,
        role: user.role,
      });
      return { ...issued, user: toUserView(user) };
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a valid token for a fresh one',
        security: bearerSecurity,
        response: { 200: Session, ...errorResponses(401) },
      },
    },
    async (request) => {
      const claims = await authenticateUser(request);
      const user = await directory.user(claims.tenantId, claims.userId);
      if (!user) throw new AppError('unauthorized', 'user no longer exists');
      const issued = await tokens.issue({
        tenantId: user.tenantId,
        userId: user.id,
        role: user.role,
      });
      return { ...issued, user: toUserView(user) };
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and their tenant',
        security: bearerSecurity,
        response: { 200: Me, ...errorResponses(401) },
      },
    },
    async (request) => {
      const claims = await authenticateUser(request);
      const [user, tenant] = await Promise.all([
        directory.user(claims.tenantId, claims.userId),
        directory.tenant(claims.tenantId),
      ]);
      if (!user || !tenant) throw new AppError('unauthorized', 'user no longer exists');
      return { user: toUserView(user), tenant };
    },
  );
};

export default routes;
