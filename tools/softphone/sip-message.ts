/**
 * SIP messages as text (RFC 3261): just enough to parse what LiveKit SIP sends and to build
 * the requests and responses of one phone. Header names are matched case-insensitively and in
 * their compact forms.
 */
export interface SipMessage {
  /** "INVITE", "BYE"… for a request; undefined for a response. */
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: [name: string, value: string][];
  body: string;
}

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  r: 'refer-to',
};

const canonical = (name: string) => {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
};

export function parseSipMessage(text: string): SipMessage | undefined {
  const split = text.indexOf('\r\n\r\n');
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split + 4) : '';
  const lines = head.split('\r\n');
  const startLine = lines.shift() ?? '';
  const headers: SipMessage['headers'] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1][1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);
  if (response) return { status: Number(response[1]), reason: response[2], headers, body };
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(startLine);
  if (request) return { method: request[1], uri: request[2], headers, body };
  return undefined;
}

export function header(message: SipMessage, name: string): string | undefined {
  const wanted = canonical(name);
  return message.headers.find(([key]) => canonical(key) === wanted)?.[1];
}

export function headers(message: SipMessage, name: string): string[] {
  const wanted = canonical(name);
  return message.headers.filter(([key]) => canonical(key) === wanted).map(([, value]) => value);
}

export function serializeRequest(
  method: string,
  uri: string,
  fields: [string, string][],
  body = '',
): string {
  return serialize(`${method} ${uri} SIP/2.0`, fields, body);
}

export function serializeResponse(
  status: number,
  reason: string,
  fields: [string, string][],
  body = '',
): string {
  return serialize(`SIP/2.0 ${status} ${reason}`, fields, body);
}

function serialize(startLine: string, fields: [string, string][], body: string): string {
  const lines = [startLine, ...fields.map(([name, value]) => `${name}: ${value}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The `tag` parameter of a From or To header, if any. */
export function tagOf(value: string | undefined): string | undefined {
  return value ? /;\s*tag=([^;>\s]+)/i.exec(value)?.[1] : undefined;
}

/** The URI inside a name-addr (`"x" <sip:a@b>;p` → `sip:a@b`) or the bare URI. */
export function uriOf(value: string): string {
  const bracketed = /<([^>]+)>/.exec(value);
  return (bracketed ? bracketed[1] : value.split(';')[0]).trim();
}

/** Where a SIP URI's host:port points (default port 5060). */
export function hostPortOf(uri: string): { address: string; port: number } {
  const match = /^sips?:(?:[^@]*@)?([^:;>]+)(?::(\d+))?/.exec(uri);
  if (!match) throw new Error(`not a SIP URI: ${uri}`);
  return { address: match[1], port: match[2] ? Number(match[2]) : 5060 };
}

export interface SdpAudio {
  address: string;
  port: number;
  payloadTypes: number[];
  telephoneEvent?: number;
}

/** The audio line of an SDP body: where to send RTP, and the telephone-event payload type. */
export function parseSdpAudio(sdp: string): SdpAudio | undefined {
  const connection = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
  const media = /^m=audio (\d+) RTP\/[A-Z/]+ ([\d ]+)/m.exec(sdp);
  if (!connection || !media) return undefined;
  const event = /^a=rtpmap:(\d+) telephone-event\/8000/im.exec(sdp)?.[1];
  return {
    address: connection,
    port: Number(media[1]),
    payloadTypes: media[2].trim().split(/\s+/).map(Number),
    telephoneEvent: event === undefined ? undefined : Number(event),
  };
}

/** An audio offer or answer: PCMU, plus telephone-event for DTMF. */
export function sdpAudio(address: string, port: number, sessionId: number): string {
  return [
    'v=0',
    `o=- ${sessionId} ${sessionId} IN IP4 ${address}`,
    's=switchboard-softphone',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}
