/**
 * The one error handler. Typed AppErrors map to their status; Fastify's own validation and
 * parsing errors become 400/413/415 with a clear message; anything else is a 500 whose details
 * stay in the log.
 */
import type { FastifyInstance, FastifyError } from 'fastify';
import { AppError, TooManyRequests, statusForReason } from './errors.ts';

export interface ErrorBody {
  error: string;
  message: string;
  statusCode: number;
}

/** The `error` word clients switch on, for the 4xx statuses Fastify itself produces. */
const reasonForStatus: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/** Fastify's parser messages name its internals; these name what the client did wrong. */
function clientMessage(error: FastifyError, contentType: string | undefined): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON object';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `unsupported content type ${JSON.stringify(contentType ?? '')}; send application/json`;
    default:
      return error.message;
  }
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      const statusCode = statusForReason[error.reason];
      if (error instanceof TooManyRequests)
        reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
      return reply
        .status(statusCode)
        .send({ error: error.reason, message: error.message, statusCode });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply
        .status(400)
        .send({ error: 'bad-request', message: fastifyError.message, statusCode: 400 });
    }
    const statusCode = fastifyError.statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      const reason = reasonForStatus[statusCode] ?? 'bad-request';
      return reply.status(statusCode).send({
        error: reason,
        message: clientMessage(fastifyError, request.headers['content-type']),
        statusCode,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: 'internal', message: 'internal server error', statusCode: 500 });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: 'not-found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
      statusCode: 404,
    });
  });
}
