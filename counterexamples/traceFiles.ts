/**
 * Reading counterexample files from disk: one file, or every `.itf.json` directly in a folder
 * (sorted by name, so output is deterministic). Unreadable or invalid files are errors naming
 * the file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../check/inputError.ts';
import { parseTraceFile, TRACE_SUFFIX, type TraceFile } from './traceFile.ts';

export interface NamedTrace {
  /** The path it was read from, as given. */
  readonly name: string;
  readonly trace: TraceFile;
}

export function readTraceFile(path: string): NamedTrace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return { name: path, trace: parseTraceFile(text, path) };
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every counterexample file directly in `dir`, parsed; an error if there is none. */
export function readTraceFolder(dir: string): NamedTrace[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(TRACE_SUFFIX))
    .sort();
  if (files.length === 0)
    throw new InputError(
      `${dir} holds no ${TRACE_SUFFIX} files (counterexamples/<scenario>/ does)`,
    );
  return files.map((f) => readTraceFile(join(dir, f)));
}
