/**
 * The slice of a pino logger the media server uses; pass the app's pino instance (or a child of
 * it). Calls use pino's `(object, message)` form.
 */
export interface MediaLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const ignore = (): void => {};

export const silentLogger: MediaLogger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
