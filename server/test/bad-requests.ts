/**
 * Table-driven checks that bad requests are refused clearly and change nothing. Shared so every
 * feature's routes face the same hostile inputs:
 *
 *   await expectRefused(server, [
 *     ...malformedBodies('POST', '/api/ring-groups', { name: 'sales' }),
 *     { label: 'name upper case', method: 'POST', path: '/api/ring-groups', body: { name: 'Sales' },
 *       status: 400, message: /name must match pattern/ },
 *   ], { token: server.apiKey, snapshot: () => listEverything() });
 */
import assert from 'node:assert/strict';
import { requestJson, type TestServer } from './harness.ts';

export interface BadRequest {
  label: string;
  method: string;
  path: string;
  /** JSON-serialized with content-type application/json. */
  body?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: string;
  contentType?: string;
  status: number;
  /** The message must match, so the client is told what is wrong. */
  message: RegExp;
}

const json = 'application/json';

/** A string that makes any body larger than the 64 kB limit. */
export const OVERSIZED = 'x'.repeat(70 * 1024);

/** Body problems every JSON endpoint must refuse; `valid` is a body it would accept. */
export function malformedBodies(
  method: string,
  path: string,
  valid: Record<string, unknown>,
): BadRequest[] {
  const at = { method, path };
  const text = JSON.stringify(valid);
  return [
    {
      ...at,
      label: 'malformed JSON',
      raw: text.slice(0, -1),
      contentType: json,
      status: 400,
      message: /not valid JSON/,
    },
    { ...at, label: 'empty JSON body', raw: '', contentType: json, status: 400, message: /empty/ },
    { ...at, label: 'no body at all', status: 400, message: /body must be object/ },
    {
      ...at,
      label: 'JSON null',
      raw: 'null',
      contentType: json,
      status: 400,
      message: /must be object/,
    },
    { ...at, label: 'JSON array', body: [valid], status: 400, message: /must be object/ },
    { ...at, label: 'JSON string', body: 'text', status: 400, message: /must be object/ },
    {
      ...at,
      label: 'prototype pollution',
      raw: `{"__proto__":{"admin":true},${text.slice(1)}`,
      contentType: json,
      status: 400,
      message: /not valid JSON/,
    },
    {
      ...at,
      label: 'extra field',
      body: { ...valid, surprise: 1 },
      status: 400,
      message: /unknown property "surprise"/,
    },
    {
      ...at,
      label: 'tenant in body',
      body: { ...valid, tenantId: 'x' },
      status: 400,
      message: /unknown property "tenantId"/,
    },
    {
      ...at,
      label: 'oversized body',
      body: { ...valid, padding: OVERSIZED },
      status: 413,
      message: /too large/,
    },
    {
      ...at,
      label: 'form encoded',
      raw: 'a=b',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      message:
        /unsupported content type "application\/x-www-form-urlencoded"; send application\/json/,
    },
    {
      ...at,
      label: 'xml',
      raw: '<a/>',
      contentType: 'application/xml',
      status: 415,
      message: /unsupported content type/,
    },
    {
      ...at,
      label: 'JSON sent as text/plain',
      raw: text,
      contentType: 'text/plain',
      status: 400,
      message: /body must be object/,
    },
  ];
}

export interface RefusalOptions {
  /** Bearer credential for every request (omit for public routes). */
  token?: string;
  /** Reads the state that must not change; compared before and after the whole table. */
  snapshot: () => Promise<unknown>;
}

export async function expectRefused(
  server: TestServer,
  cases: BadRequest[],
  options: RefusalOptions,
) {
  const before = await options.snapshot();
  for (const entry of cases) {
    const headers: Record<string, string> = entry.contentType
      ? { 'content-type': entry.contentType }
      : {};
    const response = await requestJson(server.url, entry.method, entry.path, {
      token: options.token,
      body: entry.body,
      rawBody: entry.raw,
      headers,
    });
    const seen = `${entry.label}: ${response.status} ${JSON.stringify(response.body)}`;
    assert.equal(response.status, entry.status, seen);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, seen);
    assert.equal(response.body.statusCode, entry.status, seen);
    assert.equal(typeof response.body.error, 'string', seen);
    assert.match(response.body.message, entry.message, seen);
  }
  assert.deepEqual(await options.snapshot(), before, 'a refused request changed something');
}
