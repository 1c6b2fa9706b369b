/**
 * `npm run build` (also run by `prepare`, so by `npm ci`, `npm pack` and `npm publish`): compiles
 * the sources into dist/ (JavaScript and declarations, tsconfig.build.json), and adds what tsc
 * does not make: the module hooks for users' files (plain JavaScript, copied), the model hash
 * (computed from model/ and invariants/ here, since the package ships no model sources), the JSON
 * Schemas of the `--json` reports (dist/schemas/NAME.schema.json, from check/reportSchemas.ts),
 * and the executable bit of the command. Compiled files whose source is gone are removed, so an
 * incremental build never ships a stale module.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_SCHEMAS, reportJsonSchema, type ReportName } from '../check/reportSchemas.ts';
import { BUILT_HASH_FILE, hashModelSources } from '../counterexamples/modelHash.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The source a compiled file came from, when it is one tsc makes. */
function sourceOf(compiled: string): string | undefined {
  const m = /^(.*)\.(js|d\.ts)$/.exec(relative(DIST, compiled));
  return m === null ? undefined : join(ROOT, `${m[1]}.ts`);
}

for (const f of files(DIST)) {
  const source = sourceOf(f);
  if (source !== undefined && !existsSync(source)) rmSync(f);
}

execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
  { stdio: 'inherit' },
);

copyFileSync(join(ROOT, 'check/userModuleHooks.mjs'), join(DIST, 'check/userModuleHooks.mjs'));
writeFileSync(
  join(DIST, 'counterexamples', BUILT_HASH_FILE),
  `${JSON.stringify({ modelHash: hashModelSources(ROOT) })}\n`,
);
mkdirSync(join(DIST, 'schemas'), { recursive: true });
for (const name of Object.keys(REPORT_SCHEMAS) as ReportName[])
  writeFileSync(
    join(DIST, 'schemas', `${name}.schema.json`),
    `${JSON.stringify(reportJsonSchema(name), null, 2)}\n`,
  );
chmodSync(join(DIST, 'cli/bin.js'), 0o755);
