/**
 * The PostgreSQL read form (runtime/store/postgres-rows.ts, decision 0160): recordedAt from JSON's
 * timestamp text must equal what to_char(… 'MS') wrote before and Date#toISOString writes, for
 * every shape of fraction JSON writes (none, trailing zeros dropped, six digits), in a session
 * whose DateStyle and TimeZone are not ISO / UTC.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoMillisFromJsonTimestamp } from '../../runtime/store/postgres-rows.js';
import { databaseUrl } from './support/postgres.js';

const TIMESTAMPS = [
  '2026-12-01 14:51:19+00',
  '2026-12-01 14:51:19.1+00',
  '2026-12-01 14:51:19.12+00',
  '2026-12-01 14:51:19.123+00',
  '2026-12-01 14:51:19.1234+00',
  '2026-12-01 14:51:19.999999+00',
  '2026-12-01 14:51:19.000001+00',
  '2026-12-01 14:51:19.0005+00',
  '1999-12-31 23:59:59.9995+00',
  '2026-03-29 01:30:00.5+00', // a DST change in the session's zone
  '0999-01-01 00:00:00.25+00',
];

describe('PostgreSQL read form: recordedAt', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    await client.query("SET DateStyle = 'SQL, DMY'");
    await client.query("SET TimeZone = 'Europe/Berlin'");
  });
  afterAll(async () => {
    await client.end();
  });

  it('equals to_char MS (truncated) and Date#toISOString for every fraction shape, whatever DateStyle and TimeZone', async () => {
    const { rows } = await client.query<{ json: string; to_char: string; text: string }>(
      `SELECT json_build_array(t AT TIME ZONE 'UTC')::text AS json,
              to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS to_char, t::text AS text
       FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(t, n) ORDER BY n`,
      [TIMESTAMPS],
    );
    expect(rows).toHaveLength(TIMESTAMPS.length);
    // The session's DateStyle really is not ISO: plain text output would not do.
    expect(rows[0]!.text).not.toMatch(/^2026-12-01/);
    for (const row of rows) {
      const converted = isoMillisFromJsonTimestamp((JSON.parse(row.json) as [string])[0]);
      expect(converted).toBe(row.to_char);
      expect(new Date(converted).toISOString()).toBe(converted);
    }
  });

  it('keeps exactly three fraction digits, truncating', () => {
    expect(isoMillisFromJsonTimestamp('2026-12-01T14:51:19')).toBe('2026-12-01T14:51:19.000Z');
    expect(isoMillisFromJsonTimestamp('2026-12-01T14:51:19.1')).toBe('2026-12-01T14:51:19.100Z');
    expect(isoMillisFromJsonTimestamp('2026-12-01T14:51:19.999999')).toBe('2026-12-01T14:51:19.999Z');
  });
});
