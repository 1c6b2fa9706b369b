/**
 * Reading counterexample files from disk: one file, or every `.itf.json` in a folder and the
 * folders inside it (as `check --all --out-dir DIR` writes them, one folder per scenario), sorted
 * by path, so output is deterministic. Unreadable or invalid files are errors naming the file.
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

/** The counterexample files in `dir` and below, as paths relative to it, sorted. */
function traceFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(TRACE_SUFFIX) && statSync(join(dir, f)).isFile())
    .sort();
}

/** Every counterexample file in `dir` and its folders, parsed; an error if there is none. */
export function readTraceFolder(dir: string): NamedTrace[] {
  const files = traceFilesUnder(dir);
  if (files.length === 0)
    throw new InputError(
      `${dir} holds no ${TRACE_SUFFIX} files, nor do its folders (counterexamples/ does)`,
    );
  return files.map((f) => readTraceFile(join(dir, f)));
}
