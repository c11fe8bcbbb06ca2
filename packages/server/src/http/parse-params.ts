import { z } from 'zod';
import { parseInput } from './request-context.js';

/** `id` → "device ID" (the contract's subject); `recordingId` → "recording ID". */
function paramName(name: string, subject: string): string {
  if (name === 'id') return `${subject} ID`;
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/ id$/, ' ID');
}

/**
 * Parses path parameters one at a time, so an error names the value as users know it ("The
 * device ID must be a UUID."), not by the route's spelling of it (`id`).
 *
 * @example
 * parseParams(z.object({ id: DeviceId }), request.params, 'device') // { id: '…' } or INVALID_INPUT
 */
export function parseParams(schema: z.ZodType, params: unknown, subject: string): unknown {
  if (!(schema instanceof z.ZodObject)) return parseInput(schema, params, `${subject} path`);
  const shape: Record<string, z.ZodType> = schema.shape;
  const parsed: Record<string, unknown> = {};
  for (const [name, valueSchema] of Object.entries(shape)) {
    const value: unknown =
      typeof params === 'object' && params !== null ? Reflect.get(params, name) : undefined;
    parsed[name] = parseInput(valueSchema, value, paramName(name, subject));
  }
  return parsed;
}
