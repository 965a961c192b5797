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
  /**
   * How long a tab whose socket was lost keeps its calls while it reconnects (`?resume=`);
   * after that its calls end as failed. 0 ends them at once.
   */
  sessionResumeSeconds: number;
  /**
   * How long the session of a page that went away (a reload or a closed tab: close code 1001)
   * keeps its calls for the reloaded page to resume it; 0 ends them at once.
   */
  sessionReloadGraceSeconds: number;
  /** Where the built console lives; served by call control when present. */
  consoleDir: string;
  /**
   * Where the console is served when not by call control (`npm start` sets the dev server's
   * URL): `GET /` redirects there.
   */
  consoleUrl?: string;
  logLevel: string;
  /**
   * The proxies in front (TRUST_PROXY: addresses or CIDRs, comma-separated; `loopback` and the
   * other names of proxy-addr work too), whose X-Forwarded-Proto/-For are believed: TLS ended at
   * such a proxy counts as TLS (HSTS is sent) and the client's own address is the one sign-in
   * limits count. Unset: nothing forwarded is believed (call control faces clients directly).
   */
  trustProxy?: string;
  /**
   * `pretty`: one readable line per entry (pino-pretty), the development default; `json`: pino's
   * JSON lines, the production default (NODE_ENV=production), for log collectors.
   */
  logFormat: 'pretty' | 'json';
  /** Ring group defaults. */
  ringTimeoutSeconds: number;
  maxQueueWaitSeconds: number;
  retryIntervalSeconds: number;
  /** How long an ended leg stays in an agent's list so the UI can show why it ended. */
  endedCallLingerMs: number;
  /** A real LiveKit (ws(s)://…); unset starts the embedded media server instead. */
  livekitUrl?: string;
  livekitApiKey?: string;
  livekitApiSecret?: string;
  /** The LiveKit URL browsers are given, when it differs from the one call control uses. */
  livekitPublicUrl?: string;
  /** Port of the embedded media server (used when `livekitUrl` is unset); 0 picks a free one. */
  mediaPort: number;
  /** How long a party may be out of a call's media room (a reconnect) before the call ends. */
  mediaLeaveGraceMs: number;
  /**
   * How often call control compares each live call's room with LiveKit's own list of its
   * participants (RoomService), for the webhooks LiveKit may never deliver.
   */
  mediaReconcileSeconds: number;
  /** The directory of the media files that call scripts may play (server/media-script). */
  scriptMediaDir: string;
  /** The ffmpeg that encodes scripts' media; unset uses the one @ffmpeg-installer/ffmpeg ships. */
  ffmpegPath?: string;
  /** How long after a call ended its agents may still change their wrap-up (disposition, note). */
  wrapUpEditHours: number;
  /**
   * After-call work after each call, for calls whose ring group sets none (and direct calls);
   * 0 sends the agent straight back to available.
   */
  wrapUpSeconds: number;
  /**
   * An agent who lets a call ring out (ring timeout) is set not ready ("Missed", presence away)
   * until they choose to be available again, so calls stop ringing into an empty chair.
   */
  notReadyAfterMissedCall: boolean;
  /** LiveKit SIP (server/sip): set when a LiveKit SIP service runs next to the LiveKit. */
  sip?: SipConfig;
  /** Failed sign-ins one account may have within the window before it is locked (429). */
  loginMaxFailuresPerAccount: number;
  /** Failed sign-ins one client (address) may have within the window, across accounts. */
  loginMaxFailuresPerClient: number;
  /** The sliding window those failures are counted over. */
  loginFailureWindowSeconds: number;
  /** Live calls one user may have placed at once (from tabs, or through the API as a supervisor). */
  maxLiveCallsPerUser: number;
  /** Live calls a tenant's API key may have placed at once. */
  maxLiveCallsPerApiKey: number;
  /** Live calls a tenant may have at once, however they were placed. */
  maxLiveCallsPerTenant: number;
  /** Callbacks (POST /api/calls to a phone) one tenant may have ringing their phones at once. */
  maxRingingCallbacksPerTenant: number;
  /** Open session sockets (tabs) one user may have on this node. */
  maxSessionsPerUser: number;
  /** Longest an HTTP request (headers and body) may take to arrive. */
  httpRequestTimeoutSeconds: number;
  /** Longest an HTTP request's headers may take to arrive. */
  httpHeadersTimeoutSeconds: number;
  /** A connection that sends nothing for this long is closed (upgraded WebSockets excepted). */
  httpIdleTimeoutSeconds: number;
  /** Several call-control nodes on one Redis (server/cluster); unset: one process, as always. */
  cluster?: ClusterConfig;
}

/** REDIS_URL and friends; see server/cluster/README.md. */
export interface ClusterConfig {
  redisUrl: string;
  /** Prefix of every key and channel (REDIS_PREFIX, default `sb:`). */
  prefix: string;
  /** This node's name (NODE_ID); random when unset. */
  nodeId?: string;
  /** CLUSTER_LEASE_MS: a dead owner's tenants move to another node after at most about this. */
  leaseMs: number;
  /** CLUSTER_ADVERTISE_URL: where other nodes reach this one's HTTP API (default http://<host>:<port>). */
  advertiseUrl?: string;
}

/** How call control uses LiveKit SIP; see server/sip/README.md. */
export interface SipConfig {
  /** Where phones and carriers send their calls (LIVEKIT_SIP_URI), e.g. "sip:127.0.0.1:5060". */
  uri: string;
  /**
   * Source addresses (IP or CIDR) allowed to call in (SIP_INBOUND_ALLOWED_ADDRESSES). This or
   * the inbound credentials is required: LiveKit refuses a trunk anyone may call.
   */
  inboundAllowedAddresses: string[];
  /** Digest credentials callers must present (SIP_INBOUND_USERNAME/PASSWORD). */
  inboundUsername?: string;
  inboundPassword?: string;
  /** The carrier that outbound calls go through (SIP_OUTBOUND_ADDRESS, host[:port]); unset: no outbound. */
  outboundAddress?: string;
  outboundTransport: 'udp' | 'tcp' | 'tls';
  outboundUsername?: string;
  outboundPassword?: string;
}

function logFormat(env: NodeJS.ProcessEnv): 'pretty' | 'json' {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '') return env.NODE_ENV === 'production' ? 'json' : 'pretty';
  if (raw !== 'pretty' && raw !== 'json')
    throw new Error(`LOG_FORMAT must be "pretty" or "json", got "${raw}"`);
  return raw;
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

const LIVEKIT_URL_PATTERN = /^(wss?|https?):\/\/[^/\s]+/;

/** A real LiveKit needs its key pair; a key pair without a LiveKit is a misconfiguration, not a default. */
function checkLivekit(env: NodeJS.ProcessEnv): void {
  const url = env.LIVEKIT_URL;
  const keys = Boolean(env.LIVEKIT_API_KEY || env.LIVEKIT_API_SECRET);
  if (url && !LIVEKIT_URL_PATTERN.test(url))
    throw new Error(`LIVEKIT_URL must be a ws://, wss://, http:// or https:// URL, got "${url}"`);
  if (url && !(env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET)) {
    throw new Error('LIVEKIT_URL is set: LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required too');
  }
  if (!url && keys) {
    throw new Error(
      'LIVEKIT_API_KEY/LIVEKIT_API_SECRET are set without LIVEKIT_URL (unset them to use the embedded media server)',
    );
  }
  const publicUrl = env.LIVEKIT_PUBLIC_URL;
  if (publicUrl && !LIVEKIT_URL_PATTERN.test(publicUrl)) {
    throw new Error(
      `LIVEKIT_PUBLIC_URL must be a ws://, wss://, http:// or https:// URL, got "${publicUrl}"`,
    );
  }
}

const SIP_URI_PATTERN = /^sips?:[^\s@]+$/;

function sipConfig(env: NodeJS.ProcessEnv): SipConfig | undefined {
  const uri = env.LIVEKIT_SIP_URI;
  const sipVariables = Object.keys(env).filter(
    (name) => name.startsWith('SIP_') && env[name] !== undefined && env[name] !== '',
  );
  if (!uri) {
    if (sipVariables.length > 0)
      throw new Error(
        `${sipVariables.join(', ')} set without LIVEKIT_SIP_URI (LiveKit SIP's address)`,
      );
    return undefined;
  }
  if (!SIP_URI_PATTERN.test(uri))
    throw new Error(`LIVEKIT_SIP_URI must be a sip: URI such as sip:127.0.0.1:5060, got "${uri}"`);
  if (!env.LIVEKIT_URL)
    throw new Error('LIVEKIT_SIP_URI is set: LiveKit SIP needs a real LiveKit (LIVEKIT_URL) too');
  const transport = env.SIP_OUTBOUND_TRANSPORT || 'udp';
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls')
    throw new Error(`SIP_OUTBOUND_TRANSPORT must be udp, tcp or tls, got "${transport}"`);
  for (const [user, password] of [
    ['SIP_INBOUND_USERNAME', 'SIP_INBOUND_PASSWORD'],
    ['SIP_OUTBOUND_USERNAME', 'SIP_OUTBOUND_PASSWORD'],
  ] as const) {
    if (Boolean(env[user]) !== Boolean(env[password]))
      throw new Error(`${user} and ${password} go together`);
  }
  const inboundAllowedAddresses = (env.SIP_INBOUND_ALLOWED_ADDRESSES ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // LiveKit refuses a trunk open to anyone; so does call control, before it starts.
  if (inboundAllowedAddresses.length === 0 && !env.SIP_INBOUND_USERNAME)
    throw new Error(
      "LIVEKIT_SIP_URI is set: say who may call in with SIP_INBOUND_ALLOWED_ADDRESSES (your carrier's addresses, e.g. 127.0.0.1/32 on one machine) and/or SIP_INBOUND_USERNAME and SIP_INBOUND_PASSWORD",
    );
  return {
    uri,
    inboundAllowedAddresses,
    inboundUsername: env.SIP_INBOUND_USERNAME || undefined,
    inboundPassword: env.SIP_INBOUND_PASSWORD || undefined,
    outboundAddress: env.SIP_OUTBOUND_ADDRESS || undefined,
    outboundTransport: transport,
    outboundUsername: env.SIP_OUTBOUND_USERNAME || undefined,
    outboundPassword: env.SIP_OUTBOUND_PASSWORD || undefined,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  }
  checkLivekit(env);
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000),
    databaseUrl,
    dataDir: env.DATA_DIR || '.data/switchboard',
    jwtSecret: env.JWT_SECRET || undefined,
    tokenTtlSeconds: integer(env, 'TOKEN_TTL_SECONDS', 900, 10),
    heartbeatSeconds: integer(env, 'HEARTBEAT_SECONDS', 3, 1),
    sessionResumeSeconds: integer(env, 'SESSION_RESUME_SECONDS', 30, 0),
    sessionReloadGraceSeconds: integer(env, 'SESSION_RELOAD_GRACE_SECONDS', 8, 0),
    consoleDir: env.CONSOLE_DIR || 'dist/switchboard/browser',
    consoleUrl: env.CONSOLE_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: trustProxy(env),
    logFormat: logFormat(env),
    ringTimeoutSeconds: integer(env, 'RING_TIMEOUT_SECONDS', 20, 1),
    maxQueueWaitSeconds: integer(env, 'MAX_QUEUE_WAIT_SECONDS', 600, 1),
    retryIntervalSeconds: integer(env, 'RETRY_INTERVAL_SECONDS', 5, 0),
    endedCallLingerMs: integer(env, 'ENDED_CALL_LINGER_MS', 4000, 0),
    livekitUrl: env.LIVEKIT_URL || undefined,
    livekitApiKey: env.LIVEKIT_API_KEY || undefined,
    livekitApiSecret: env.LIVEKIT_API_SECRET || undefined,
    livekitPublicUrl: env.LIVEKIT_PUBLIC_URL || undefined,
    mediaPort: integer(env, 'MEDIA_PORT', 7880),
    mediaLeaveGraceMs: integer(env, 'MEDIA_LEAVE_GRACE_MS', 2500),
    mediaReconcileSeconds: integer(env, 'MEDIA_RECONCILE_SECONDS', 10, 1),
    scriptMediaDir: env.SCRIPT_MEDIA_DIR || 'media',
    ffmpegPath: env.FFMPEG_PATH || undefined,
    wrapUpEditHours: integer(env, 'WRAP_UP_EDIT_HOURS', 24),
    wrapUpSeconds: integer(env, 'WRAP_UP_SECONDS', 30),
    notReadyAfterMissedCall: env.NOT_READY_AFTER_MISSED_CALL !== 'false',
    sip: sipConfig(env),
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1),
    loginMaxFailuresPerClient: integer(env, 'LOGIN_MAX_FAILURES_PER_CLIENT', 30, 1),
    loginFailureWindowSeconds: integer(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1),
    maxLiveCallsPerUser: integer(env, 'MAX_LIVE_CALLS_PER_USER', 10, 1),
    maxLiveCallsPerApiKey: integer(env, 'MAX_LIVE_CALLS_PER_API_KEY', 500, 1),
    maxLiveCallsPerTenant: integer(env, 'MAX_LIVE_CALLS_PER_TENANT', 2000, 1),
    maxRingingCallbacksPerTenant: integer(env, 'MAX_RINGING_CALLBACKS_PER_TENANT', 20, 1),
    maxSessionsPerUser: integer(env, 'MAX_SESSIONS_PER_USER', 20, 1),
    httpRequestTimeoutSeconds: integer(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', 30, 1),
    httpHeadersTimeoutSeconds: integer(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1),
    httpIdleTimeoutSeconds: integer(env, 'HTTP_IDLE_TIMEOUT_SECONDS', 75, 1),
    cluster: clusterConfig(env),
  };
}

function trustProxy(env: NodeJS.ProcessEnv): string | undefined {
  const entries = (env.TRUST_PROXY ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  // Trusting every address would let any client claim TLS or another client's address.
  const invalid = entries.find(
    (entry) => !/^([0-9a-f.:]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/i.test(entry),
  );
  if (invalid)
    throw new Error(
      `TRUST_PROXY lists the proxies' addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8) or loopback, linklocal, uniquelocal; got "${invalid}"`,
    );
  return entries.join(',');
}

function clusterConfig(env: NodeJS.ProcessEnv): ClusterConfig | undefined {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl) return undefined;
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`);
  if (!env.DATABASE_URL)
    throw new Error(
      'REDIS_URL is set: the nodes of a cluster share one PostgreSQL, so DATABASE_URL is required too',
    );
  return {
    redisUrl,
    prefix: env.REDIS_PREFIX || 'sb:',
    nodeId: env.NODE_ID || undefined,
    leaseMs: integer(env, 'CLUSTER_LEASE_MS', 3000, 300),
    advertiseUrl: env.CLUSTER_ADVERTISE_URL || undefined,
  };
}
