// Semantic versions (semver.org 2.0.0): parsing with an optional leading "v", and precedence order.
import { CelSemver } from "../contract/cel-values.js";

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parse `1.2.3`, `v1.2.3-rc.1+build.5`; undefined when the text is not a semantic version. */
export function parseSemver(text: string): CelSemver | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  const pre = m[4] ? m[4].split(".") : [];
  return new CelSemver(
    BigInt(m[1] as string),
    BigInt(m[2] as string),
    BigInt(m[3] as string),
    pre,
    m[5] ?? "",
  );
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence order: major, minor, patch, then a release sorts after its pre-releases. */
export function compareSemver(a: CelSemver, b: CelSemver): number {
  const core = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (core !== 0) return core;
  const pa = a.prerelease;
  const pb = b.prerelease;
  if (pa.length === 0 || pb.length === 0) return pb.length - pa.length === 0 ? 0 : pa.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return cmp(BigInt(x), BigInt(y));
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length < 0 ? -1 : pa.length > pb.length ? 1 : 0;
}
