/**
 * The livekit.yaml that Switchboard runs LiveKit with: README.md's production example is this
 * function's output for the production values (a test compares them), and the tests and
 * `npm run start:livekit` use the same file with their own ports and the loopback network.
 */
export interface LivekitConfigOptions {
  /** Signalling and RoomService (HTTP/WebSocket). */
  port: number;
  /** ICE over TCP, for clients whose UDP is blocked. */
  tcpPort: number;
  /** All WebRTC UDP traffic on one muxed port: one port to open in a firewall. */
  udpPort: number;
  /** Which key of the key file signs the webhooks (call control verifies them with it). */
  webhookApiKey: string;
  webhookUrls: string[];
  /**
   * `external`: production, the node's public IP found through STUN. `loopback`: one machine
   * (tests, start:livekit), media candidates on 127.0.0.1 only, no STUN.
   */
  network: 'external' | 'loopback';
  /**
   * Redis ("host:port"): LiveKit SIP (and a second node) meet this livekit-server there. Unset:
   * single node, no Redis.
   */
  redisAddress?: string;
}

export function livekitConfigYaml(options: LivekitConfigOptions): string {
  const network =
    options.network === 'external'
      ? ['  use_external_ip: true']
      : [
          '  use_external_ip: false',
          '  node_ip: 127.0.0.1',
          '  enable_loopback_candidate: true',
          '  ips:',
          '    includes:',
          '      - 127.0.0.1/32',
        ];
  return [
    `port: ${options.port}`,
    'rtc:',
    `  tcp_port: ${options.tcpPort}`,
    `  udp_port: ${options.udpPort}`,
    ...network,
    ...(options.redisAddress ? ['redis:', `  address: ${options.redisAddress}`] : []),
    'webhook:',
    `  api_key: ${options.webhookApiKey}`,
    '  urls:',
    ...options.webhookUrls.map((url) => `    - ${url}`),
    '',
  ].join('\n');
}

/** The key file (`livekit-server --key-file`): one `key: secret` line. */
export function livekitKeyFile(apiKey: string, apiSecret: string): string {
  return `${apiKey}: ${apiSecret}\n`;
}
