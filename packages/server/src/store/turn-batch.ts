/** Inputs gathered for one call of `run`, each with how to answer its caller. */
interface Pending<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

/**
 * One statement for the calls of a busy moment: what is asked in one turn of the event loop is
 * run as one batch (`run` gets the inputs in call order and resolves to one output for each, in
 * the same order). One batch runs at a time and the calls made meanwhile form the next one, so
 * a storm of agent connections costs the database a few large statements instead of thousands
 * of small ones (each costs the server a round trip and a write to the database's socket), while
 * a lone call still goes at the end of its turn. A failed batch fails each of its calls.
 *
 * A batch's `run` must not wait for another call of the same batch function (the next batch
 * starts only once it is done).
 *
 * @example
 * const append = turnBatch(async (entries: readonly AuditRow[]) => {
 *   await db.insertInto('audit').values([...entries]).execute();
 *   return entries.map(() => undefined);
 * });
 * await append(row); // with every other row appended in this turn
 */
export function turnBatch<In, Out>(
  run: (inputs: readonly In[]) => Promise<readonly Out[]>,
  options: { max?: number } = {},
): (input: In) => Promise<Out> {
  const max = options.max ?? 500;
  let waiting: Pending<In, Out>[] = [];
  let isScheduled = false;
  let isRunning = false;

  const runNext = (): void => {
    isScheduled = false;
    if (isRunning || waiting.length === 0) return;
    isRunning = true;
    const batch = waiting.slice(0, max);
    waiting = waiting.slice(batch.length);
    const settle = (): void => {
      isRunning = false;
      if (waiting.length > 0) schedule();
    };
    const inputs = batch.map((pending) => pending.input);
    // A runner that throws at once fails its batch like one that rejects.
    Promise.resolve(inputs)
      .then(run)
      .then(
        (outputs) => {
          settle();
          if (outputs.length !== batch.length) {
            const error = new Error(`a batch of ${batch.length} gave ${outputs.length} results`);
            for (const pending of batch) pending.reject(error);
            return;
          }
          batch.forEach((pending, index) => pending.resolve(outputs[index] as Out));
        },
        (error: unknown) => {
          settle();
          for (const pending of batch) pending.reject(error);
        },
      );
  };
  const schedule = (): void => {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(runNext);
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (!isRunning) schedule();
    });
}

/**
 * A look-up by key (a device's id) whose calls in one turn become one `IN (…)` statement:
 * `one` is the statement for a lone key, `many` the one for several; each caller gets the rows
 * of its own key (`keyOf`).
 *
 * @example
 * const pinOf = batchedLookup({
 *   one: (id) => findPin(id),
 *   many: (ids) => db.selectFrom('device_server_keys').selectAll().where('device_id', 'in', inList(ids)).execute(),
 *   keyOf: (row) => row.device_id,
 * });
 * const [row] = await pinOf(deviceId);
 */
export function batchedLookup<Row>(options: {
  one: (key: string) => Promise<Row[]>;
  many: (keys: readonly string[]) => Promise<Row[]>;
  keyOf: (row: Row) => string;
}): (key: string) => Promise<Row[]> {
  return turnBatch(async (keys: readonly string[]) => {
    if (keys.length === 1) return [await options.one(keys[0] ?? '')];
    const byKey = new Map<string, Row[]>();
    for (const row of await options.many([...new Set(keys)])) {
      const key = options.keyOf(row);
      const rows = byKey.get(key);
      if (rows) rows.push(row);
      else byKey.set(key, [row]);
    }
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
