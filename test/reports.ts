/**
 * Checking the reports the tests produce against what clockcheck ships: each `--json` report
 * against the JSON Schema generated from check/reportSchemas.ts (the same function the build uses
 * to write dist/schemas/), with ajv; each JUnit report against test/check/junit.xsd, with libxml2's
 * xmllint (compiled to WebAssembly).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { validateXML } from 'xmllint-wasm';
import { expect } from 'vitest';
import { REPORT_SCHEMAS, reportJsonSchema, type ReportName } from '../check/reportSchemas.ts';

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = Object.fromEntries(
  (Object.keys(REPORT_SCHEMAS) as ReportName[]).map((name) => [
    name,
    ajv.compile(reportJsonSchema(name)),
  ]),
) as Record<ReportName, ReturnType<typeof ajv.compile>>;

/** Parses a report and expects it valid against its schema; returns it. */
export function expectValidReport(name: ReportName, text: string): Record<string, unknown> {
  const data = JSON.parse(text) as Record<string, unknown>;
  const validate = validators[name];
  const valid = validate(data);
  expect(valid, `${name} report: ${ajv.errorsText(validate.errors)}`).toBe(true);
  expect(data['report']).toBe(name);
  return data;
}

const JUNIT_XSD = readFileSync(join(import.meta.dirname, 'check/junit.xsd'), 'utf8');

/** Expects a JUnit report valid against the JUnit schema (xmllint's errors, if not). */
export async function expectValidJunit(xml: string): Promise<void> {
  const result = await validateXML({
    xml: { fileName: 'report.xml', contents: xml },
    schema: { fileName: 'junit.xsd', contents: JUNIT_XSD },
  });
  expect(result.valid, result.errors.map((e) => e.rawMessage).join('\n')).toBe(true);
}
