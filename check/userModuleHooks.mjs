// Module resolution hooks for users' own modules (registered by userModule.ts with
// module.register). Plain JavaScript because Node runs hooks on its own loader thread, before any
// TypeScript support is in place there; the build copies this file into dist/check/ as it is.
//
// - `clockcheck` resolves to the running clockcheck, whatever is installed beside the user's
//   file: a variant is checked against the model of the tool that checks it.
// - A TypeScript file outside node_modules is an ES module even where no package.json says
//   "type": "module" (a variant file in a bare directory): variant files are written as ES modules.

let self;

export function initialize(data) {
  self = data.self;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'clockcheck') return nextResolve(self, context);
  const resolved = await nextResolve(specifier, context);
  const { url, format } = resolved;
  if (
    (format === 'commonjs' || format === undefined || format === null) &&
    url.startsWith('file:') &&
    /\.ts$/.test(new URL(url).pathname) &&
    !url.includes('/node_modules/')
  )
    return { ...resolved, format: 'module' };
  return resolved;
}
