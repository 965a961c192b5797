/**
 * The one error handler. Typed AppErrors map to their status; Fastify's own validation and
 * parsing errors become 400/413/415 with a clear message; anything else is a 500 whose details
 * stay in the log.
 */
import type { FastifyInstance, FastifyError } from 'fastify';
import { AppError, statusForReason } from './errors.ts';

export interface ErrorBody {
  error: string;
  message: string;
  statusCode: number;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      const statusCode = statusForReason[error.reason];
      return reply.status(statusCode).send({ error: error.reason, message: error.message, statusCode });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(400).send({ error: 'bad-request', message: fastifyError.message, statusCode: 400 });
    }
    const statusCode = fastifyError.statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      const reason = statusCode === 413 ? 'too-large' : statusCode === 401 ? 'unauthorized' : 'bad-request';
      return reply.status(statusCode).send({ error: reason, message: fastifyError.message, statusCode });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'internal server error', statusCode: 500 });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}`, statusCode: 404 });
  });
}
