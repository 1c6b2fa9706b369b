/**
 * The header every `--json` report starts with (reportSchemas.ts describes the fields). Kept
 * apart from the schemas so that writing a report does not load the schema library.
 */
import { modelHash } from '../counterexamples/modelHash.ts';
import { toolVersion } from './packageRoot.ts';

/** Raised when a field of a report changes meaning or is removed (adding one does not). */
export const SCHEMA_VERSION = 1;

export function reportHeader<R extends string>(report: R) {
  return {
    schemaVersion: SCHEMA_VERSION as typeof SCHEMA_VERSION,
    report,
    tool: 'clockcheck' as const,
    toolVersion: toolVersion(),
    modelHash: modelHash(),
  };
}
