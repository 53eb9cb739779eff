// Overload resolution: which declared overloads fit the argument types, and the call's result type.

import { type CelType, T, typeName } from "../contract/cel-types.js";
import { type Overload, overloadsOf, sizedOverloads } from "./overloads.js";
import type { FunctionOverload, TypeEnv } from "./type-env.js";
import { isDynLike, type SigType, sameType, substitute, unify } from "./type-utils.js";

/** A candidate overload; environment functions carry their implementation. */
export type ResolvedOverload = Overload & { impl?: FunctionOverload["impl"] };

export type CallResolution =
  | { kind: "ok"; candidates: ResolvedOverload[]; result: CelType; coerce: number[] }
  | { kind: "unknown" }
  | { kind: "arity"; counts: number[] }
  | { kind: "types"; signatures: SigType[][] };

/** Every overload of a name, the built-ins first, then the environment's. */
export function declaredOverloads(fn: string, env: TypeEnv | undefined): readonly ResolvedOverload[] {
  const base = overloadsOf(fn);
  if (!env?.functions?.length) return base;
  const builtin: ResolvedOverload[] = [...base];
  for (const f of env?.functions ?? []) {
    if (f.name !== fn) continue;
    for (const o of f.overloads) {
      builtin.push({
        id: o.id,
        fn,
        receiver: !!o.receiver,
        params: [...o.params],
        result: o.result,
        impl: o.impl,
      });
    }
  }
  return builtin;
}

const binds = new Map<string, CelType>();

function match(
  cands: readonly ResolvedOverload[],
  args: readonly CelType[],
): { hits: ResolvedOverload[]; result: CelType } {
  const hits: ResolvedOverload[] = [];
  let result: CelType | undefined;
  for (const o of cands) {
    binds.clear();
    if (!o.params.every((p, i) => unify(p, args[i] as CelType, binds))) continue;
    hits.push(o);
    const r = substitute(o.result, binds);
    result = result === undefined ? r : sameType(result, r) ? result : T.dyn;
  }
  return { hits, result: result ?? T.dyn };
}

const memo = new Map<string, CallResolution>();

function hasObject(t: CelType): boolean {
  if (t.kind === "object") return true;
  if (t.kind === "list") return hasObject(t.elem);
  if (t.kind === "map") return hasObject(t.key) || hasObject(t.value);
  return t.kind === "type" && !!t.of && hasObject(t.of);
}

/** A trie over argument type objects: one level per argument, the resolution at the end. */
interface ByIdentity {
  next?: WeakMap<CelType, ByIdentity>;
  hit?: CallResolution;
}
const byIdentity = [new Map<string, ByIdentity>(), new Map<string, ByIdentity>()];

/**
 * Resolve a call of `fn` with the given argument types (the receiver first for `x.fn()` calls).
 * Built-in resolutions depend only on the argument types, so they are remembered: by the identity of the type
 * objects (types are immutable, and the environment's and the checker's are reused from check to check), then by
 * the types' names (object types excluded there: their names are not unique across environments).
 */
export function resolveCall(
  fn: string,
  receiver: boolean,
  args: readonly CelType[],
  env: TypeEnv | undefined,
): CallResolution {
  if (env?.functions?.length) return resolveUncached(fn, receiver, args, env);
  const roots = byIdentity[receiver ? 1 : 0] as Map<string, ByIdentity>;
  let node = roots.get(fn);
  if (!node) {
    if (roots.size > 4096) roots.clear();
    node = {};
    roots.set(fn, node);
  }
  for (const a of args) {
    node.next ??= new WeakMap();
    let n = node.next.get(a);
    if (!n) {
      n = {};
      node.next.set(a, n);
    }
    node = n;
  }
  if (node.hit) return node.hit;
  let hit: CallResolution;
  if (args.some(hasObject)) hit = resolveUncached(fn, receiver, args, env);
  else {
    const key = `${fn}|${receiver}|${args.map(typeName).join(",")}`;
    hit = memo.get(key) ?? resolveUncached(fn, receiver, args, env);
    if (memo.size > 4096) memo.clear();
    memo.set(key, hit);
  }
  node.hit = hit;
  return hit;
}

function resolveUncached(
  fn: string,
  receiver: boolean,
  args: readonly CelType[],
  env: TypeEnv | undefined,
): CallResolution {
  const all = declaredOverloads(fn, env);
  if (all.length === 0) return { kind: "unknown" };
  const cached = all === overloadsOf(fn) ? sizedOverloads(fn, receiver, args.length) : undefined;
  const styled = cached ? all : all.filter((o) => o.receiver === receiver);
  const pool = styled.length > 0 ? styled : all;
  const sized = cached ?? pool.filter((o) => o.params.length === args.length);
  if (sized.length === 0) {
    const shown = cached ? all.filter((o) => o.receiver === receiver) : pool;
    return {
      kind: "arity",
      counts: (shown.length > 0 ? shown : all).map((o) => o.params.length - (o.receiver ? 1 : 0)),
    };
  }
  const direct = match(sized, args);
  if (direct.hits.length > 0)
    return { kind: "ok", candidates: direct.hits, result: direct.result, coerce: [] };
  const coerce = args.flatMap((t, i) => (t.kind === "semver" ? [i] : []));
  if (coerce.length > 0 && !args.every(isDynLike)) {
    const asString = args.map((t) => (t.kind === "semver" ? T.string : t));
    const viaString = match(sized, asString);
    if (viaString.hits.length > 0)
      return { kind: "ok", candidates: viaString.hits, result: viaString.result, coerce };
  }
  return { kind: "types", signatures: sized.map((o) => o.params) };
}
