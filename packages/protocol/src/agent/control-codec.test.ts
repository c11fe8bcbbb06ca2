import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { parseControlMessage, parseControlMessageByType } from './control-codec.js';
import { SERVER_MESSAGE_SCHEMAS, ServerMessage } from './messages.js';

type Message = { type: 'ping'; at: number } | { type: 'note'; text: string };

function countedSchemas(): {
  built: string[];
  schemas: {
    ping: z.ZodType<Extract<Message, { type: 'ping' }>>;
    note: z.ZodType<Extract<Message, { type: 'note' }>>;
  };
} {
  const built: string[] = [];
  const schemas = {
    ping: lazySchema(() => {
      built.push('ping');
      return z.object({ type: z.literal('ping'), at: z.int() });
    }),
    note: lazySchema(() => {
      built.push('note');
      return z.object({ type: z.literal('note'), text: z.string() });
    }),
  };
  return { built, schemas };
}

test('builds and uses only the schema of the type that arrived', () => {
  const { built, schemas } = countedSchemas();
  const result = parseControlMessageByType<Message>(schemas, '{"type":"ping","at":5}');
  assert.deepEqual(result, { ok: true, message: { type: 'ping', at: 5 } });
  assert.deepEqual(built, ['ping']);
});

test('refuses text that is not JSON, an unknown type and a malformed field', () => {
  const { built, schemas } = countedSchemas();
  const parse = (text: string): unknown => parseControlMessageByType<Message>(schemas, text);
  assert.deepEqual(parse('{'), {
    ok: false,
    error: { code: 'INVALID_INPUT', message: 'Message is not JSON.' },
  });
  assert.deepEqual(parse('{"type":"toString"}'), {
    ok: false,
    error: {
      code: 'INVALID_INPUT',
      message: 'Malformed message: type: unknown message type "toString".',
    },
  });
  assert.deepEqual(parse('null'), {
    ok: false,
    error: {
      code: 'INVALID_INPUT',
      message: 'Malformed message: type: unknown message type undefined.',
    },
  });
  const malformed = parse('{"type":"note","text":3}') as { ok: false; error: { message: string } };
  assert.match(malformed.error.message, /^Malformed message: text: /);
  assert.deepEqual(built, ['note']);
});

test("the server's messages parse by type as they do through the whole union", () => {
  const texts = [
    '{"type":"session.cancel","sessionId":"s","reason":"ended"}',
    '{"type":"settings","settings":{"statistics":{"intervalSec":"x"}}}',
    '{"type":"wake.mode","connectionType":"passive","passivePort":5832,"idleSec":600}',
    '{"type":"no.such.type"}',
  ];
  for (const text of texts) {
    const byType = parseControlMessageByType(SERVER_MESSAGE_SCHEMAS, text);
    const byUnion = parseControlMessage(ServerMessage, text);
    assert.equal(byType.ok, byUnion.ok, text);
    if (byType.ok && byUnion.ok) assert.deepEqual(byType.message, byUnion.message);
  }
});
