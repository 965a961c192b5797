// Placeholder: runs call control as a process.
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
const config = loadConfig();
const app = await buildApp(config);
await app.listen({ host: config.host, port: config.port });
