import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMAS, reportJsonSchema, type ReportName } from '../../check/reportSchemas.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const NAMES = Object.keys(REPORT_SCHEMAS) as ReportName[];

/** Every property name a JSON Schema declares, at any depth. */
function propertyNames(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const own =
    'properties' in schema && typeof schema.properties === 'object' && schema.properties !== null
      ? Object.keys(schema.properties)
      : [];
  return [...own, ...Object.values(schema).flatMap(propertyNames)];
}

describe('the JSON Schemas of the reports', () => {
  it('each is a closed object with the common header, its own report name and version 1', () => {
    for (const name of NAMES) {
      const schema = reportJsonSchema(name) as {
        $schema: string;
        additionalProperties: boolean;
        required: string[];
        properties: Record<string, { const?: unknown }>;
      };
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.additionalProperties).toBe(false);
      expect(schema.required.slice(0, 5)).toEqual([
        'schemaVersion',
        'report',
        'tool',
        'toolVersion',
        'modelHash',
      ]);
      expect(schema.properties['report']?.const).toBe(name);
      expect(schema.properties['schemaVersion']?.const).toBe(1);
    }
  });

  it('the README documents every field of every report', () => {
    const start = README.indexOf('## Reports for CI');
    const section = README.slice(start, README.indexOf('\n## ', start + 1));
    const fields = [...new Set(NAMES.flatMap((n) => propertyNames(reportJsonSchema(n))))];
    expect(fields.length).toBeGreaterThan(40);
    expect(fields.filter((f) => !section.includes(`\`${f}\``))).toEqual([]);
  });
});
