import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessWindows, describeAccessWindows } from '@tether/protocol';
import { accessClosesAt, isWithinAccessWindows, wallTimeIn } from './access-window.js';

const office = AccessWindows.parse({
  timeZone: 'Europe/Paris',
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' }],
});

test('office hours follow the local wall clock across the spring DST change', () => {
  // Friday 27 March 2026 is still CET (UTC+1); Monday 30 March is CEST (UTC+2).
  assert.equal(isWithinAccessWindows(office, new Date('2026-03-27T06:30:00Z')), false); // 07:30
  assert.equal(isWithinAccessWindows(office, new Date('2026-03-27T07:30:00Z')), true); // 08:30
  assert.equal(isWithinAccessWindows(office, new Date('2026-03-30T06:30:00Z')), true); // 08:30
  assert.equal(isWithinAccessWindows(office, new Date('2026-03-30T05:30:00Z')), false); // 07:30
  assert.equal(isWithinAccessWindows(office, new Date('2026-03-30T15:59:00Z')), true); // 17:59
  assert.equal(isWithinAccessWindows(office, new Date('2026-03-30T16:00:00Z')), false); // 18:00
});

test('the weekday is the one of the policy time zone, not of UTC', () => {
  const evenings = AccessWindows.parse({
    timeZone: 'America/New_York',
    windows: [{ days: ['mon'], start: '20:00', end: '24:00' }],
  });
  // Tuesday 02:00 UTC is Monday 21:00 in New York (EST, UTC-5).
  const tuesdayUtc = new Date('2026-11-24T02:00:00Z');
  assert.deepEqual(wallTimeIn(tuesdayUtc, 'America/New_York'), { day: 'mon', minute: 21 * 60 });
  assert.equal(isWithinAccessWindows(evenings, tuesdayUtc), true);
  // Monday 21:00 UTC is Monday 16:00 in New York: before the window.
  assert.equal(isWithinAccessWindows(evenings, new Date('2026-11-23T21:00:00Z')), false);
});

test('a window whose end is before its start runs past midnight into the next day', () => {
  const nights = AccessWindows.parse({
    timeZone: 'UTC',
    windows: [{ days: ['fri'], start: '22:00', end: '06:00' }],
  });
  assert.equal(isWithinAccessWindows(nights, new Date('2026-11-27T23:00:00Z')), true); // Fri
  assert.equal(isWithinAccessWindows(nights, new Date('2026-11-28T05:59:00Z')), true); // Sat
  assert.equal(isWithinAccessWindows(nights, new Date('2026-11-28T06:00:00Z')), false);
  assert.equal(isWithinAccessWindows(nights, new Date('2026-11-27T05:00:00Z')), false); // Fri early
});

test('the closing time of a window spanning the autumn DST change is an hour later in UTC', () => {
  const earlyHours = AccessWindows.parse({
    timeZone: 'Europe/Paris',
    windows: [{ days: ['sun'], start: '00:00', end: '03:00' }],
  });
  // Sunday 25 October 2026, 00:30 CEST = 22:30 UTC the day before; clocks go back at 03:00 CEST.
  const start = new Date('2026-10-24T22:30:00Z');
  assert.equal(isWithinAccessWindows(earlyHours, start), true);
  assert.equal(accessClosesAt(earlyHours, start)?.toISOString(), '2026-10-25T02:00:00.000Z');
});

test('closing time is the end of office hours, and null when access never closes', () => {
  assert.equal(
    accessClosesAt(office, new Date('2026-03-30T15:30:20Z'))?.toISOString(),
    '2026-03-30T16:00:00.000Z',
  );
  const always = AccessWindows.parse({
    timeZone: 'UTC',
    windows: [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' },
    ],
  });
  assert.equal(accessClosesAt(always, new Date('2026-03-30T15:30:00Z')), null);
  assert.equal(accessClosesAt(office, new Date('2026-03-29T12:00:00Z')), null); // Sunday: closed
});

test('windows read as a person writes them', () => {
  const rules = AccessWindows.parse({
    timeZone: 'Europe/Paris',
    windows: [
      { days: ['fri', 'mon', 'tue', 'wed', 'thu'], start: '08:00', end: '18:00' },
      { days: ['sat', 'sun'], start: '10:00', end: '12:00' },
    ],
  });
  assert.equal(
    describeAccessWindows(rules),
    'Mon–Fri 08:00–18:00; Sat, Sun 10:00–12:00 Europe/Paris',
  );
});

test('an unknown time zone or a malformed time is refused by the schema', () => {
  const bad = AccessWindows.safeParse({
    timeZone: 'Mars/Olympus',
    windows: [{ days: ['mon'], start: '8:00', end: '25:00' }],
  });
  assert.ok(!bad.success);
  const paths = bad.error.issues.map((issue) => issue.path.join('.'));
  assert.ok(paths.includes('timeZone'));
  assert.ok(paths.includes('windows.0.start'));
  assert.ok(paths.includes('windows.0.end'));
});
