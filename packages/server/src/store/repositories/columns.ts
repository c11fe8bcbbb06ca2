import { AppError } from '@tether/protocol';
import type { z } from 'zod';

/** A `Date` as stored: epoch milliseconds. */
export function toMillis(date: Date): number {
  return date.getTime();
}

/** A nullable `Date` as stored. */
export function toMillisOrNull(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

/** A stored timestamp back to a `Date`. */
export function fromMillis(millis: number): Date {
  return new Date(millis);
}

/** A nullable stored timestamp back to a `Date`. */
export function fromMillisOrNull(millis: number | null): Date | null {
  return millis === null ? null : new Date(millis);
}

/**
 * Reads a JSON text column and checks it against its schema, so a row edited by hand or
 * written by an older version fails loudly here instead of deep inside a request.
 */
export function parseJsonColumn<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('INTERNAL', `The stored ${what} is not valid JSON.`, {
      cause: String(error),
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('INTERNAL', `The stored ${what} does not match its schema.`, {
      issues: parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  return parsed.data;
}
