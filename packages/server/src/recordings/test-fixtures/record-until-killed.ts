// Test fixture for the crash-safety test: records a tick every 10 ms until the parent kills
// this process, reporting each tick on stdout once it was handed to the writer.
import { systemClock } from '@tether/protocol';
import { openAsciicastWriter } from '../asciicast-writer.js';

const file = process.argv[2];
if (!file) throw new Error('usage: record-until-killed.ts <file.cast>');
const writer = await openAsciicastWriter({
  file,
  width: 80,
  height: 24,
  startedAt: new Date(),
  clock: systemClock,
});
const startedAt = performance.now();
let tick = 0;
setInterval(() => {
  writer.output(new TextEncoder().encode(`tick ${tick} ✓\r\n`));
  if (tick % 20 === 0) writer.resize(80 + (tick % 7), 24);
  process.stdout.write(`${JSON.stringify({ tick, ms: performance.now() - startedAt })}\n`);
  tick += 1;
}, 10);
