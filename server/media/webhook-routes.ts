/**
 * `POST /api/livekit/webhook`: where LiveKit (or the embedded media server) reports room and
 * participant events. The body is kept as the exact string received, because the signature
 * covers its bytes: a JSON parser would re-serialise it and break the check. An unsigned or
 * forged request is refused with 401 and changes nothing.
 */
import type { Server } from 'node:http';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../shared/errors.ts';
import { errorResponses } from '../shared/schemas.ts';
import { validatorCompiler } from '../shared/validation.ts';
import { reachableHost } from './media-backend.ts';
import { tenantOfCallRoom } from './livekit-tokens.ts';
import { answeredByOwner, FORWARDED_HEADER } from '../cluster/http-forwarding.ts';

export const WEBHOOK_PATH = '/api/livekit/webhook';
const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';

/** Call control's own webhook URL, for the embedded media server; undefined until it listens. */
export function ownWebhookUrl(server: Server): string | undefined {
  const address = server.address();
  if (!server.listening || !address || typeof address === 'string') return undefined;
  return `http://${reachableHost(address.address)}:${address.port}${WEBHOOK_PATH}`;
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(validatorCompiler);
  const { media, sip, cluster } = app.services;
  // Scoped to this plugin: nowhere else accepts this content type.
  app.addContentTypeParser(WEBHOOK_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/livekit/webhook',
    {
      schema: {
        tags: ['media'],
        summary:
          'LiveKit webhook receiver (participant and room events), signed with the LiveKit API key',
        description:
          `Configure your LiveKit to send webhooks here, signed with the key call control uses. Content type ${WEBHOOK_CONTENT_TYPE}; ` +
          'the raw JWT (no "Bearer") in Authorization.',
        consumes: [WEBHOOK_CONTENT_TYPE],
        body: Type.String({ description: 'A LiveKit WebhookEvent as JSON, exactly as signed' }),
        response: { 200: Type.Object({}), ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'string')
        throw new AppError('bad-request', `send the webhook as ${WEBHOOK_CONTENT_TYPE}`);
      const event = await media.verifyWebhook(request.body, request.headers.authorization);
      // In a cluster a call's room is watched by its tenant's owner: LiveKit posts to whichever
      // node its config names, so this node passes the (verified) webhook on, body untouched.
      const tenantId = tenantOfCallRoom(event.room?.name ?? '');
      if (cluster && tenantId && !request.headers[FORWARDED_HEADER]) {
        if (await answeredByOwner(cluster, tenantId, request, reply)) return reply;
      }
      media.handleWebhook(event);
      // Phones arriving through LiveKit SIP (server/sip), after media saw the event.
      sip?.handleWebhook(event);
      return {};
    },
  );
};

export default routes;
