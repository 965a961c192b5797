// Placeholder: serves the built console from consoleDir when it exists.
import type { FastifyInstance } from 'fastify';
export async function registerConsole(_app: FastifyInstance, _consoleDir: string): Promise<void> {}
