// Placeholder plugin: replaced by the feature's real routes.
import type { FastifyInstance } from 'fastify';
export default async function routes(_app: FastifyInstance): Promise<void> {}
