import { z } from 'zod';
import { badRequest, err, ok, type Result } from '@shared/contract';

/**
 * Boundary parsing. The contract's objects strip unknown keys; at the server's edge an unknown key
 * (including `__proto__` / `constructor` smuggled in through JSON) is refused instead, so a client
 * bug or probe is visible rather than silently ignored.
 */
export const strictly = <S extends z.ZodType>(schema: S): S =>
  schema instanceof z.ZodObject ? (schema.strict() as unknown as S) : schema;

export const parseBoundary = <S extends z.ZodType>(schema: S, input: unknown, what: string): Result<z.infer<S>> => {
  const r = schema.safeParse(input);
  if (!r.success) return badRequest(r.error.issues, what);
  // PostgreSQL text cannot hold U+0000: refuse it here as bad input instead of failing in the driver.
  const nulAt = findNul(r.data, []);
  if (nulAt) {
    const path = nulAt.join('.') || '(root)';
    return err('bad_request', `Invalid ${what}: ${path} contains a NUL character`, {
      issues: [{ path: nulAt, message: 'NUL characters are not allowed' }],
    });
  }
  return ok(r.data);
};

const findNul = (value: unknown, path: string[]): string[] | null => {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findNul(v, [...path, String(i)]);
      if (hit) return hit;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(v, [...path, k]);
      if (hit) return hit;
    }
  }
  return null;
};
