/**
 * OpenAPI description of the HTTP API, generated from the routes' TypeBox schemas (so docs and
 * validation cannot drift apart), as JSON at /api/docs/json and browsable at /api/docs.
 * Must be registered before any route: @fastify/swagger collects routes as they are added.
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export const API_DOCS_PREFIX = '/api/docs';

export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard call control',
        description:
          'Tenants, users, Subscriber Access Tokens, ring groups and calls. Authenticate with ' +
          '`Authorization: Bearer <token>`: a user session token from /api/auth/login, or a tenant API key (`sbk_…`).',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Session token (JWT) or tenant API key (sbk_…)',
          },
        },
      },
    },
    // The console's catch-all route is not part of the API.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') ? schema : { ...schema, hide: true },
      url,
    }),
  });
  // Swagger UI's own policy (hashes of its inline scripts) replaces the console's on its pages;
  // without upgrade-insecure-requests, which would break the docs over plain HTTP.
  await app.register(swaggerUi, {
    routePrefix: API_DOCS_PREFIX,
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });
}
