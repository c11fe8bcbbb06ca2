import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { lazySchema } from './lazy-schema.js';

test('a lazy schema is built on first use, once, and parses as the schema itself', () => {
  let builds = 0;
  const Point = lazySchema(() => {
    builds += 1;
    return z.object({ x: z.int(), y: z.int() });
  });
  assert.equal(builds, 0);
  assert.deepEqual(Point.parse({ x: 1, y: 2 }), { x: 1, y: 2 });
  assert.equal(Point.safeParse({ x: 'a', y: 2 }).success, false);
  assert.equal(builds, 1);
  assert.ok(Point instanceof z.ZodObject);
});

test('a lazy schema inside another schema is built when that one parses', () => {
  let builds = 0;
  const Link = lazySchema(() => {
    builds += 1;
    return z.object({ to: z.string() });
  });
  const Chain = lazySchema(() => z.object({ links: z.array(Link).max(2) }));
  assert.equal(builds, 0);
  assert.deepEqual(Chain.parse({ links: [{ to: 'a' }] }), { links: [{ to: 'a' }] });
  assert.equal(Chain.safeParse({ links: [{ to: 1 }] }).success, false);
  assert.equal(builds, 1);
});

test('a discriminated union of lazy schemas tells its members apart', () => {
  const Union = z.discriminatedUnion('type', [
    lazySchema(() => z.object({ type: z.literal('a'), a: z.string() })),
    lazySchema(() => z.object({ type: z.literal('b'), b: z.int() })),
  ]);
  assert.deepEqual(Union.parse({ type: 'b', b: 3 }), { type: 'b', b: 3 });
  assert.equal(Union.safeParse({ type: 'a', a: 3 }).success, false);
});
