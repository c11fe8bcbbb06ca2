/**
 * A schema built on first use: the returned value stands for the schema `build` returns, and
 * `build` runs the first time anything reads it (a parse, a type check, another schema
 * constructed around it), once.
 *
 * Why: a zod schema is an object with its own closures (~2 KiB each, more once it has parsed),
 * and a module builds all of its schemas when it loads. The agent receives only a few of the
 * server's message types while it is idle (a challenge, a welcome, its settings), so building
 * the others at start costs every idle agent memory for messages it may never get (issue 14).
 * Its control channel parses each message with the schema of its type
 * (`parseControlMessageByType`), so the rest stay unbuilt until one of them arrives.
 *
 * @example
 * export const SessionCancel = lazySchema(() =>
 *   z.object({ type: z.literal('session.cancel'), sessionId: SessionId, reason: z.string() }),
 * );
 */
export function lazySchema<T extends object>(build: () => T): T {
  let schema: T | undefined;
  const built = (): T => (schema ??= build());
  // Every read goes to the built schema; zod's methods close over their own instance, so
  // calling them through this stand-in behaves as on the schema itself.
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(built(), key) as unknown,
    has: (_, key) => Reflect.has(built(), key),
    ownKeys: () => Reflect.ownKeys(built()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(built(), key);
      // A proxy may not report a property its (empty) target lacks as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(built()),
  });
}
