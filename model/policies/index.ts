/**
 * The policy points of the model: places where a transition's behaviour is the thing under test.
 * A variant names one implementation per point; `resolvePolicies` looks the names up here.
 */
import { pvclockWriteProtocols, type PvclockWriteProtocol } from './pvclockWriteProtocol.ts';
import { readClampPolicies, type ReadClampPolicy } from './readClamp.ts';
import { readPagePolicies, type ReadPagePolicy } from './readPage.ts';

export interface Policies {
  readonly readPage: ReadPagePolicy;
  readonly readClamp: ReadClampPolicy;
  readonly pvclockWrite: PvclockWriteProtocol;
}

export const POLICY_LIBRARY = {
  readPage: readPagePolicies,
  readClamp: readClampPolicies,
  pvclockWrite: pvclockWriteProtocols,
} as const satisfies { readonly [P in keyof Policies]: Readonly<Record<string, Policies[P]>> };

export type PolicyPoint = keyof Policies;
/** For each policy point, the name of one of its implementations. */
export type PolicyNames = {
  readonly [P in PolicyPoint]: keyof (typeof POLICY_LIBRARY)[P] & string;
};

export const DEFAULT_POLICIES: PolicyNames = {
  readPage: 'getcpu',
  readClamp: 'none',
  pvclockWrite: 'atomic',
};

export function resolvePolicies(names: Partial<PolicyNames>): Policies {
  const all = { ...DEFAULT_POLICIES, ...names };
  const pick = <P extends PolicyPoint>(point: P): Policies[P] => {
    const library: Readonly<Record<string, unknown>> = POLICY_LIBRARY[point];
    const name = all[point];
    const impl = (Object.hasOwn(library, name) ? library[name] : undefined) as
      Policies[P] | undefined;
    if (impl === undefined) {
      const known = Object.keys(POLICY_LIBRARY[point]).join(', ');
      throw new Error(`unknown ${point} policy '${name}' (known: ${known})`);
    }
    return impl;
  };
  return {
    readPage: pick('readPage'),
    readClamp: pick('readClamp'),
    pvclockWrite: pick('pvclockWrite'),
  };
}
