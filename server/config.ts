/**
 * Process configuration, read once from the environment and checked at boot so a typo
 * fails fast instead of half-working. Every variable is listed in README.md.
 */
export interface Config {
  host: string;
  port: number;
  databaseUrl?: string;
  /** Embedded database directory; "memory" keeps it in memory. */
  dataDir: string;
  /** HMAC secret for session tokens; generated and stored in the database when unset. */
  jwtSecret?: string;
  tokenTtlSeconds: number;
  heartbeatSeconds: number;
  /** Where the built console lives; served by call control when present. */
  consoleDir: string;
  logLevel: string;
  /** Ring group defaults. */
  ringTimeoutSeconds: number;
  maxQueueWaitSeconds: number;
  retryIntervalSeconds: number;
  /** How long an ended leg stays in an agent's list so the UI can show why it ended. */
  endedCallLingerMs: number;
  livekitUrl?: string;
  livekitApiKey?: string;
  livekitApiSecret?: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000),
    databaseUrl,
    dataDir: env.DATA_DIR || '.data/switchboard',
    jwtSecret: env.JWT_SECRET || undefined,
    tokenTtlSeconds: integer(env, 'TOKEN_TTL_SECONDS', 900, 10),
    heartbeatSeconds: integer(env, 'HEARTBEAT_SECONDS', 3, 1),
    consoleDir: env.CONSOLE_DIR || 'dist/switchboard/browser',
    logLevel: env.LOG_LEVEL || 'info',
    ringTimeoutSeconds: integer(env, 'RING_TIMEOUT_SECONDS', 20, 1),
    maxQueueWaitSeconds: integer(env, 'MAX_QUEUE_WAIT_SECONDS', 600, 1),
    retryIntervalSeconds: integer(env, 'RETRY_INTERVAL_SECONDS', 5, 0),
    endedCallLingerMs: integer(env, 'ENDED_CALL_LINGER_MS', 4000, 0),
    livekitUrl: env.LIVEKIT_URL || undefined,
    livekitApiKey: env.LIVEKIT_API_KEY || undefined,
    livekitApiSecret: env.LIVEKIT_API_SECRET || undefined,
  };
}
