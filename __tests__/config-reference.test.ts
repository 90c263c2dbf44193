/**
 * The README's configuration reference is generated from the schema that validates the configuration (`npm run docs`),
 * so every field, default and bound a user reads is the one the validator applies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../config/json-schema';
import { CONFIG_TABLE_END, CONFIG_TABLE_START, configReferenceTable, constraints, withConfigReference } from '../scripts/config-reference';

const schema = JSON.parse(configJsonSchema());

test('README.md holds the current reference (run npm run docs after a schema change)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  expect(withConfigReference(readme, schema)).toBe(readme);
});

test('every field of the schema has a row with a meaning, and bounds come from the validator', () => {
  const table = configReferenceTable(schema);
  const rows = table.split('\n').slice(2);
  expect(rows.length).toBeGreaterThan(60);
  const empty = rows.filter((r) => /\| +\|$/.test(r));
  expect(empty).toEqual([]);
  expect(table).toContain('| `breakGlass.sessionDurationSeconds` | `3600` |');
  expect(table).toMatch(/`breakGlass.sessionDurationSeconds` .*3600\.\.43200/);
  expect(table).toMatch(/`alerts.alarmPeriodSeconds` .*one of `10`, `30`, `60`, `300`, `900`, `3600`/);
  expect(table).toMatch(/`state` .*one of `\{ backend: local \}` or `\{ backend: s3, bucket, region, keyPrefix\? \}`/);
});

test('constraints and markers', () => {
  expect(constraints({ minimum: 1, maximum: 3600 })).toEqual(['1..3600']);
  expect(constraints({ enum: ['a', 'b'] })).toEqual(['one of `a`, `b`']);
  expect(constraints({ minItems: 2 })).toEqual(['at least 2 items']);
  expect(() => withConfigReference('no markers here', schema)).toThrow(/lacks the markers/);
  const doc = `a\n${CONFIG_TABLE_START}\nstale\n${CONFIG_TABLE_END}\nb`;
  expect(withConfigReference(doc, schema)).toContain('| `organization.homeRegion` | required |');
  expect(withConfigReference(doc, schema)).not.toContain('stale');
});
