/**
 * Request validation with TypeBox's compiler instead of Fastify's default Ajv setup, because
 * that setup silently strips unknown properties and coerces "20" into 20 in bodies: the design
 * asks for bad input to be refused, not repaired. Bodies are checked exactly as sent; params
 * and query strings (always strings on the wire) are converted to the schema's types first.
 *
 * Install with `app.setValidatorCompiler(validatorCompiler)` in a plugin (or once on the root).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/** Rewrites TypeBox's issues into ones a client developer can act on. */
export function readableIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const readable: ValidationIssue[] = [];
  for (const issue of issues) {
    // `additionalProperties: false` reports each extra property twice; keep the named one.
    if (issue.keyword === 'boolean') continue;
    if (issue.keyword === 'additionalProperties') {
      const names = (issue.params.additionalProperties as string[] | undefined) ?? [];
      readable.push({ ...issue, message: `has unknown property ${names.map((name) => `"${name}"`).join(', ')}` });
      continue;
    }
    if (issue.keyword === 'required') {
      const names = (issue.params.requiredProperties as string[] | undefined) ?? [];
      if (names.length) {
        readable.push({ ...issue, message: `is missing required property ${names.map((name) => `"${name}"`).join(', ')}` });
        continue;
      }
    }
    readable.push(issue);
  }
  return readable.length ? readable : issues;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const candidate = httpPart === 'body' ? value : Value.Convert(schema, value);
    if (check.Check(candidate)) return { value: candidate };
    const issues = readableIssues([...check.Errors(candidate)] as unknown as ValidationIssue[]);
    return { error: issues as never };
  };
};
