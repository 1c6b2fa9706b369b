/**
 * A user's own files, as every command takes them: `--scenario-file F` (scenarios of their own,
 * defineScenario) and `--variant-file F` (variants, defineVariant, of a built-in scenario or of one
 * of theirs). And how a worker thread rebuilds a model that came from them: models are functions
 * and cannot be sent to a thread, so each worker loads the same files again.
 */
import { resolve } from 'node:path';
import type { ModelDescriptor } from '../explorer/index.ts';
import type { Scenario } from '../model/scenarios/index.ts';
import { InputError } from './inputError.ts';
import { resolveTarget, targetOptionsOf, type CustomVariant, type Target } from './resolve.ts';
import { loadScenarioFile } from './scenarioFile.ts';
import { findScenario } from './scenarios.ts';
import { loadVariantFile } from './variantFile.ts';

export interface UserFileOptions {
  readonly scenarioFile?: string;
  readonly variantFile?: string;
}

export interface UserFiles extends UserFileOptions {
  /** The scenarios the scenario file defines. */
  readonly scenarios: readonly Scenario[];
  /** The variants the variant file defines (only the one asked for, when one was). */
  readonly variants: readonly CustomVariant[];
}

export const NO_USER_FILES: UserFiles = { scenarios: [], variants: [] };

/** Loads the files given (the scenario file first: the variant file may import it). */
export async function loadUserFiles(
  options: UserFileOptions & { readonly variant?: string },
): Promise<UserFiles> {
  const scenarios =
    options.scenarioFile === undefined ? [] : await loadScenarioFile(options.scenarioFile);
  const variants =
    options.variantFile === undefined
      ? []
      : await loadVariantFile(options.variantFile, options.variant, scenarios);
  return {
    ...(options.scenarioFile === undefined ? {} : { scenarioFile: options.scenarioFile }),
    ...(options.variantFile === undefined ? {} : { variantFile: options.variantFile }),
    scenarios,
    variants,
  };
}

/**
 * The scenario a command is about: the one named (built in, or the scenario file's), or, when no
 * name is given, the scenario file's only scenario (or the variant file's).
 */
export function chooseScenario(files: UserFiles, name: string | undefined): Scenario {
  if (name !== undefined) return findScenario(name, files.scenarios);
  const candidates =
    files.scenarios.length > 0 ? files.scenarios : files.variants.map((v) => v.scenario);
  const distinct = [...new Set(candidates)];
  if (distinct.length === 1) return distinct[0]!;
  if (distinct.length === 0) throw new InputError('name a scenario (see clockcheck list)');
  throw new InputError(
    `${files.scenarioFile ?? files.variantFile} defines several scenarios (${distinct.map((s) => s.name).join(', ')}): name one`,
  );
}

/** The files a target's model came from, when it came from any (see userFilesDescriptor). */
const filesOf = new WeakMap<Target, UserFileOptions>();

/** Remembers that `target`'s model was built from the user's files (for worker threads). */
export function fromUserFiles(target: Target, files: UserFileOptions): Target {
  if (files.scenarioFile !== undefined || files.variantFile !== undefined)
    filesOf.set(target, {
      ...(files.scenarioFile === undefined ? {} : { scenarioFile: resolve(files.scenarioFile) }),
      ...(files.variantFile === undefined ? {} : { variantFile: resolve(files.variantFile) }),
    });
  return target;
}

/**
 * What a worker thread needs to rebuild `target`'s model: undefined for the catalogue's own
 * scenarios and variants (they are rebuilt by name), this module's userFilesModel for a model
 * built from a user's files; an InputError for a user's scenario or variant that has no file.
 */
export function userFilesDescriptor(target: Target): ModelDescriptor | undefined {
  const files = filesOf.get(target);
  const own = target.scenario.origin !== undefined || target.custom !== undefined;
  if (files === undefined) {
    if (!own) return undefined;
    throw new InputError(
      `--workers rebuilds the model in each worker thread from your files; ${target.scenario.name} / ${target.variant.name} has none: use one worker`,
    );
  }
  return {
    module: import.meta.url,
    export: 'userFilesModel',
    args: [files, targetOptionsOf(target)],
  };
}

/** The model of a target built from the user's files, for worker threads. */
export async function userFilesModel(
  files: UserFileOptions,
  options: ReturnType<typeof targetOptionsOf>,
): Promise<Target['model']> {
  const loaded = await loadUserFiles(files);
  const scenario = findScenario(options.scenario, loaded.scenarios);
  const custom = loaded.variants.find((v) => v.spec.name === options.variant);
  return resolveTarget({
    ...options,
    scenario,
    variant: custom ?? options.variant,
    invariantsFrom: loaded.variants.flatMap((v) => v.spec.invariants),
  }).model;
}
