/**
 * Request validation with TypeBox's compiler instead of Fastify's default Ajv setup, because
 * that setup silently strips unknown properties and coerces "20" into 20 in bodies: the design
 * asks for bad input to be refused, not repaired. Bodies are checked exactly as sent; params
 * and query strings (always strings on the wire) are converted to the schema's types first.
 *
 * Every string in every part it checks must also pass the shared text rule (text.ts): no
 * control characters, no lone surrogates.
 *
 * Install with `app.setValidatorCompiler(validatorCompiler)` in a plugin (or once on the root).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { findMalformedText } from './text.ts';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

const quoted = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');

function messageFor(issue: ValidationIssue, literalsAt: Map<string, unknown[]>): string {
  const { keyword, params } = issue;
  switch (keyword) {
    case 'additionalProperties':
      return `has unknown property ${quoted((params.additionalProperties as unknown[]) ?? [])}`;
    case 'required':
      return `is missing required property ${quoted((params.requiredProperties as unknown[]) ?? [])}`;
    case 'enum':
      return `must be one of ${quoted((params.allowedValues as unknown[]) ?? [])}`;
    case 'anyOf':
      return literalsAt.has(issue.instancePath)
        ? `must be one of ${quoted(literalsAt.get(issue.instancePath)!)}`
        : issue.message;
    case 'minProperties':
      return `must set at least ${Number(params.limit ?? 1)} property`;
    default:
      return issue.message;
  }
}

/** Rewrites TypeBox's issues into ones a client developer can act on. */
export function readableIssues(issues: ValidationIssue[]): ValidationIssue[] {
  // A union of literals reports "must be equal to constant" once per literal, then "anyOf":
  // fold them into one "must be one of …".
  const unionPaths = new Set(
    issues.filter((issue) => issue.keyword === 'anyOf').map((issue) => issue.instancePath),
  );
  const literalsAt = new Map<string, unknown[]>();
  for (const issue of issues) {
    if (issue.keyword !== 'const' || !unionPaths.has(issue.instancePath)) continue;
    literalsAt.set(issue.instancePath, [
      ...(literalsAt.get(issue.instancePath) ?? []),
      issue.params.allowedValue,
    ]);
  }
  const readable = issues
    // `additionalProperties: false` reports each extra property twice; keep the named report.
    .filter((issue) => issue.keyword !== 'boolean')
    .filter((issue) => !(issue.keyword === 'const' && literalsAt.has(issue.instancePath)))
    .map((issue) => ({ ...issue, message: messageFor(issue, literalsAt) }));
  return readable.length ? readable : issues;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const malformed = findMalformedText(value);
    if (malformed) return { error: [{ keyword: 'text', params: {}, ...malformed }] as never };
    const candidate = httpPart === 'body' ? value : Value.Convert(schema, value);
    if (check.Check(candidate)) return { value: candidate };
    const issues = readableIssues([...check.Errors(candidate)]);
    return { error: issues as never };
  };
};
