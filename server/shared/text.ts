/**
 * The one rule for text a client sends: no control characters other than tab, line feed and
 * carriage return (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+007F) and no lone UTF-16
 * surrogates. PostgreSQL text cannot hold U+0000 at all, and the others are never meaningful in
 * a name, an id or an address. The shared validator (validation.ts) applies it to every HTTP
 * body, path parameter, query string and header it checks; the WebSocket gateways apply it to
 * every frame. One rule in one place, so a route added tomorrow is covered without asking.
 */

export interface MalformedText {
  /** JSON pointer of the offending string (or of the object whose property name it is). */
  instancePath: string;
  message: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A surrogate code point only matches in `u` mode when it has no partner. */
const LONE_SURROGATE = /\p{Cs}/u;

export const TEXT_RULE =
  'must not contain control characters (U+0000–U+001F other than tab and line breaks, U+007F)';

function problemOf(text: string): string | undefined {
  if (CONTROL_CHARACTER.test(text)) return TEXT_RULE;
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (lone surrogate)';
  return undefined;
}

const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The first string (or property name) in `value` that breaks the rule, or undefined. */
export function findMalformedText(value: unknown, instancePath = ''): MalformedText | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { instancePath, message: problem } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findMalformedText(value[index], `${instancePath}/${index}`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, entry] of Object.entries(value)) {
    const keyProblem = problemOf(key);
    if (keyProblem) return { instancePath, message: `has a property name that ${keyProblem}` };
    const found = findMalformedText(entry, `${instancePath}/${pointerSegment(key)}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Percent-decodes a URL (path and query string) and applies the text rule to it, so ids in
 * paths and query parameters are covered even on routes that declare no schema for them.
 * A URL that is not valid percent-encoding is left to Fastify's own handling.
 */
export function malformedUrlText(url: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    return undefined;
  }
  return findMalformedText(decoded) ? `URL ${TEXT_RULE}` : undefined;
}

const MALFORMED_GLOBAL = new RegExp(`${CONTROL_CHARACTER.source}|${LONE_SURROGATE.source}`, 'gu');

/**
 * A copy of `value` with every character the text rule refuses replaced by U+FFFD, keys
 * included: for text that arrived from inside (a phone's caller id) and must still be stored.
 */
export function replaceMalformedText<Value>(value: Value): Value {
  if (typeof value === 'string') return value.replace(MALFORMED_GLOBAL, '\uFFFD') as Value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value))
    return value.map((entry: unknown) => replaceMalformedText(entry)) as Value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      replaceMalformedText(key),
      replaceMalformedText(entry),
    ]),
  ) as Value;
}
