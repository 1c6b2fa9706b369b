/**
 * How a worker thread rebuilds the model: a module to import and a function it exports, called
 * with JSON arguments. Models are plain values full of functions, which cannot be sent to another
 * thread; the recipe for one can.
 */
import type { Model } from '../model.ts';

export interface ModelDescriptor {
  /** A file: URL of the module (TypeScript only from the sources, where workers load tsx). */
  readonly module: string;
  /** The name of the exported function that builds the model. */
  readonly export: string;
  /** Its arguments, as JSON values. */
  readonly args: readonly unknown[];
}

export async function loadModel(descriptor: ModelDescriptor): Promise<Model<unknown, unknown>> {
  const mod = (await import(descriptor.module)) as Record<string, unknown>;
  const build = mod[descriptor.export];
  if (typeof build !== 'function') {
    throw new Error(`${descriptor.module} exports no function '${descriptor.export}'`);
  }
  return (build as (...args: unknown[]) => Model<unknown, unknown>)(...descriptor.args);
}
