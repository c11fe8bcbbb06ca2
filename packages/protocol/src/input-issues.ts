import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** `deviceId` → `device ID`, `recordingId` → `recording ID`: the noun an ID field names. */
function idNoun(field: string): string {
  const last = field.split('.').pop() ?? field;
  const words = last
    .replace(/Id$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words === '' || words === 'id' ? 'an ID' : `a ${words} ID`;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}

const KIND_NOUNS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

function sizeLimit(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const bound = issue.code === 'too_small' ? 'at least' : 'at most';
  const limit = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const plural = limit === '1' ? '' : 's';
  if (issue.origin === 'string') return `must be ${bound} ${limit} character${plural} long`;
  if (issue.origin === 'array' || issue.origin === 'set')
    return `must have ${bound} ${limit} item${plural}`;
  return `must be ${bound} ${limit}`;
}

/** What is wrong with one value, after its name: "must be a device ID (a UUID)". */
function problemOf(issue: Issue, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod keeps the input out of issues unless asked; its message names what it received.
      return /received undefined$/.test(issue.message)
        ? 'is required'
        : `must be ${KIND_NOUNS[issue.expected] ?? issue.expected}`;
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid')
        return field === '' ? 'must be a UUID' : `must be ${idNoun(field)} (a UUID)`;
      if (issue.format === 'regex') return 'is not in the expected format';
      return `must be a valid ${issue.format}`;
    case 'too_small':
    case 'too_big':
      return sizeLimit(issue);
    case 'invalid_value':
      return `must be one of: ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return `is not valid (${issue.message})`;
  }
}

/**
 * Plain sentences for a zod failure, naming each field as the request spells it: `deviceId must
 * be a device ID (a UUID)`, `password is required`. A value without a field (a path parameter,
 * a whole body) is called `subject`.
 *
 * @example
 * describeIssues(DeviceId.safeParse('x').error!, 'the device ID') // ['the device ID must be a UUID']
 */
export function describeIssues(error: z.ZodError, subject: string): string[] {
  return error.issues.slice(0, 5).map((issue) => {
    const field = fieldOf(issue.path);
    const name = field === '' ? subject : field;
    return `${name} ${problemOf(issue, field)}`;
  });
}
