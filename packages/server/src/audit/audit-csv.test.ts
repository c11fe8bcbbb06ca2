import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { AuditEntry } from '@tether/protocol';
import { AUDIT_CSV_HEADER, auditCsvHeader, auditCsvRow, csvCell } from './audit-csv.js';

describe('audit CSV', () => {
  it('prefixes every cell a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      assert.equal(
        csvCell(`${start}HYPERLINK("x")`).replace(/^"/, '').startsWith("'"),
        true,
        start,
      );
    assert.equal(csvCell('web-01'), 'web-01', 'a dash inside is no formula');
  });

  it('round-trips quotes, commas and line breaks through a CSV parser', () => {
    const device = { id: randomUUID(), name: '=cmd|"/c calc",\nx' };
    const entry: AuditEntry = {
      id: 7,
      at: '2026-01-02T03:04:05.000Z',
      action: 'session.started',
      actor: 'alice',
      target: device.id,
      sourceAddress: null,
      details: { note: 'a "quoted", text' },
      user: { id: randomUUID(), username: 'alice', displayName: '@Alice', isDeleted: false },
      device,
      sessionId: randomUUID(),
      recordingId: null,
    };
    const rows: string[][] = parse(auditCsvHeader() + auditCsvRow(entry));
    assert.deepEqual(rows[0], [...AUDIT_CSV_HEADER]);
    const row = Object.fromEntries(AUDIT_CSV_HEADER.map((name, index) => [name, rows[1]?.[index]]));
    assert.equal(row.device, `'${device.name}`);
    assert.equal(row['user display name'], "'@Alice");
    assert.equal(row['device id'], device.id);
    assert.equal(row['recording id'], '');
    assert.deepEqual(JSON.parse(row.details ?? ''), entry.details);
  });
});
