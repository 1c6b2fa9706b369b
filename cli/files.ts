/**
 * Writing output files safely: never over a file that exists unless asked (--force), and never a
 * half-written file (write to a temporary file beside it, then rename).
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InputError } from '../check/inputError.ts';

export function assertWritable(path: string, force: boolean): void {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new InputError(`${path} is a directory, not a file`);
    if (!force) throw new InputError(`${path} exists; pass --force to overwrite it`);
  }
}

export function writeOutput(path: string, text: string, force: boolean): void {
  assertWritable(path, force);
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new InputError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A report named `-` goes to standard output (`stdout`); any other name is a file. */
export const STDOUT = '-';

export function assertReportWritable(path: string, force: boolean): void {
  if (path !== STDOUT) assertWritable(path, force);
}

export function writeReport(
  path: string,
  text: string,
  force: boolean,
  stdout: (text: string) => void = (t) => void process.stdout.write(t),
): void {
  if (path === STDOUT) stdout(text);
  else writeOutput(path, text, force);
}
