export { startMediaServer } from './media-server.ts';
export type { MediaServer, MediaServerOptions, MediaServerStats } from './media-server.ts';
export type { MediaLogger } from './logger.ts';
