/**
 * The `--json` reports, as zod schemas: the one description of their fields, from which the
 * reports' TypeScript types come (reports.ts, verifyFix.ts and the list command build values of
 * these types) and from which the build writes their JSON Schemas (dist/schemas/, shipped).
 * Reports are built without loading zod: only the types are imported where they are written.
 *
 * Every report starts with the same header: `schemaVersion` (raised when a field changes meaning
 * or goes away; new fields may appear without it), `report` (which report this is), the tool and
 * its version, and the hash of the model that produced it.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './reportHeader.ts';

const verdict = z.enum(['holds', 'violated']);
const params = z
  .record(z.string(), z.union([z.number(), z.boolean()]))
  .meta({ description: 'the scenario parameters the run used, by name' });
const count = z.number().int().nonnegative();
/** What a variant models (KernelRef): also in a counterexample's #meta. */
export const kernelRefSchema = z
  .strictObject({
    functions: z
      .array(z.string().min(1))
      .min(1)
      .meta({ description: 'the kernel functions it models, as file: function' }),
    versions: z
      .string()
      .min(1)
      .meta({ description: 'the kernel versions that did this, or the posted patch' }),
  })
  .meta({ description: 'the kernel code (or patch) the variant models' });

function header<R extends string>(report: R) {
  return {
    schemaVersion: z.literal(SCHEMA_VERSION).meta({
      description: 'the version of this report format; a field that changes meaning raises it',
    }),
    report: z.literal(report).meta({ description: 'which report this is' }),
    tool: z.literal('clockcheck'),
    toolVersion: z.string().meta({ description: "clockcheck's version" }),
    modelHash: z
      .string()
      .regex(/^sha256:[0-9a-f]{16}$/)
      .meta({ description: 'a hash of the model sources, as recorded in counterexample files' }),
  };
}

export const invariantVerdictSchema = z.strictObject({
  name: z.string(),
  expected: verdict.meta({ description: 'the verdict the catalogue (or the variant) expects' }),
  actual: verdict.meta({
    description: 'violated: a counterexample was found; holds: none in the states explored',
  }),
  depth: count.optional().meta({ description: 'steps of the shortest counterexample' }),
  message: z
    .string()
    .optional()
    .meta({ description: 'what the counterexample broke, with its numbers' }),
});

/** One (scenario, variant) explored: what check and check --all report per run. */
export const runSchema = z.strictObject({
  scenario: z.string(),
  variant: z.string(),
  params,
  asExpected: z.boolean().meta({
    description:
      'every verdict as expected, the run complete, every sometimes-property reached and no model error',
  }),
  complete: z.boolean().meta({ description: 'the whole bounded state space was explored' }),
  truncatedBy: z
    .enum(['depth', 'states', 'time', 'memory', 'first-violation'])
    .optional()
    .meta({ description: 'the limit that stopped an incomplete run' }),
  distinctStates: count,
  transitions: count,
  maxDepth: count,
  invariants: z.array(invariantVerdictSchema),
  sometimes: z.array(
    z.strictObject({ name: z.string(), reached: z.boolean(), depth: count.optional() }),
  ),
  error: z.string().optional().meta({ description: 'the model (or a replacement) threw this' }),
  seconds: z.number().nonnegative().meta({ description: 'wall time of the exploration' }),
});

export const catalogueReportSchema = z
  .strictObject({
    ...header('check-all'),
    asExpected: z.boolean().meta({
      description:
        'every run as expected and complete: what exit code 0 means without --allow-truncated',
    }),
    runs: z.array(runSchema),
    surprises: z.array(z.string()).meta({
      description: 'why a run is not as expected, one line each ("scenario / variant: ...")',
    }),
  })
  .meta({ title: 'clockcheck check --all --json' });

export const checkReportSchema = z
  .strictObject({
    ...header('check'),
    scenario: z.string(),
    runs: z.array(runSchema),
  })
  .meta({ title: 'clockcheck check <scenario> --json' });

const fixRunSchema = z.strictObject({
  variant: z.string(),
  description: z.string(),
  complete: z.boolean(),
  truncatedBy: runSchema.shape.truncatedBy,
  distinctStates: count,
  transitions: count,
  maxDepth: count,
  invariants: z.array(invariantVerdictSchema),
  vacuous: z.array(z.string()).meta({ description: 'sometimes-properties never reached' }),
  error: z.string().optional(),
});

export const verifyFixReportSchema = z
  .strictObject({
    ...header('verify-fix'),
    scenario: z.string(),
    params,
    baseline: fixRunSchema.extend({
      counterexample: z
        .strictObject({
          invariant: z.string(),
          message: z.string(),
          actions: z.array(z.string()).meta({ description: 'one line per step' }),
        })
        .optional()
        .meta({ description: "the baseline's shortest violation: the bug the fix is for" }),
    }),
    fix: fixRunSchema.extend({ file: z.string().meta({ description: 'the variant file' }) }),
    counterexamples: z.array(
      z.strictObject({
        file: z.string().meta({ description: 'path from the clockcheck package' }),
        variant: z.string().meta({ description: 'the variant the trace was recorded on' }),
        invariant: z.string(),
        steps: count,
        outcome: z.enum(['neutralized', 'diverged', 'still-violated']),
        step: count.optional().meta({ description: 'where it diverged or still breaks' }),
        action: z.string().optional().meta({ description: 'the action no longer enabled' }),
        message: z.string().optional(),
        required: z
          .boolean()
          .meta({ description: 'the fix must keep this invariant, so the replay counts' }),
        modelChanged: z
          .boolean()
          .meta({ description: 'the trace was written by another model (another hash)' }),
      }),
    ),
    verified: z.boolean(),
    problems: z.array(z.string()).meta({ description: 'why the fix is not verified' }),
    verdict: z.array(z.string()).meta({ description: 'the lines for a cover letter' }),
  })
  .meta({ title: 'clockcheck verify-fix --json' });

const paramSpecSchema = z.union([
  z.strictObject({
    name: z.string(),
    meaning: z.string(),
    type: z.literal('integer'),
    default: z.number().int(),
    min: z.number().int(),
    max: z.number().int(),
  }),
  z.strictObject({
    name: z.string(),
    meaning: z.string(),
    type: z.literal('boolean'),
    default: z.boolean(),
    allowed: z.tuple([z.literal(true), z.literal(false)]),
  }),
]);

export const listReportSchema = z
  .strictObject({
    ...header('list'),
    scenarios: z.array(
      z.strictObject({
        name: z.string(),
        title: z.string(),
        source: z.string(),
        description: z.string(),
        invariants: z.array(
          z.strictObject({
            name: z.string(),
            meaning: z.string(),
            when: z.enum(['always', 'terminal']).meta({
              description: 'checked in every state, or where a run ends (bounded response)',
            }),
          }),
        ),
        sometimes: z
          .array(z.strictObject({ name: z.string(), meaning: z.string() }))
          .meta({ description: 'properties some state must reach, or the run is vacuous' }),
        causeOff: z
          .strictObject({ param: z.string(), value: z.union([z.number(), z.boolean()]) })
          .meta({ description: "the parameter value that switches the bug's cause off" }),
        baseline: z.string().meta({ description: 'the variant that reproduces the seed bug' }),
        variants: z.array(
          z.strictObject({
            name: z.string(),
            description: z.string(),
            kernel: kernelRefSchema.optional(),
            expected: z.record(z.string(), verdict),
            sometimes: z
              .array(z.string())
              .meta({ description: 'the sometimes-properties this variant must reach' }),
          }),
        ),
        params: z.array(paramSpecSchema),
      }),
    ),
  })
  .meta({ title: 'clockcheck list --json' });

export type RunJson = z.infer<typeof runSchema>;
export type FixRunJson = z.infer<typeof fixRunSchema>;
export type CatalogueReport = z.infer<typeof catalogueReportSchema>;
export type CheckReport = z.infer<typeof checkReportSchema>;
export type VerifyFixReport = z.infer<typeof verifyFixReportSchema>;
export type ListReport = z.infer<typeof listReportSchema>;

/** Each report's schema, by the file name it is shipped under (dist/schemas/NAME.schema.json). */
export const REPORT_SCHEMAS = {
  'check-all': catalogueReportSchema,
  check: checkReportSchema,
  'verify-fix': verifyFixReportSchema,
  list: listReportSchema,
} as const;

export type ReportName = keyof typeof REPORT_SCHEMAS;

/** The JSON Schema (draft 2020-12) of a report. */
export function reportJsonSchema(name: ReportName): Record<string, unknown> {
  return z.toJSONSchema(REPORT_SCHEMAS[name], { target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
