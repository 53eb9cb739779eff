// Runs every case of the CEL conformance file (test/data/cel-spec); ≥ 97% must pass and every failure must be a known one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type CelType,
  type CelValue,
  compile,
  displayValue,
  isError,
  parseType,
  type TypeEnv,
} from "../../src/expr/index.js";
import { decode, same } from "./conformance-values.js";

interface Case {
  file: string;
  section: string;
  name: string;
  expr: string;
  expect: { value?: unknown; error?: boolean };
  bindings?: Record<string, unknown>;
  type_env?: Record<string, string>;
  container?: string;
  disable_check?: boolean;
}

const casesPath = fileURLToPath(new URL("../data/cel-spec/cel-cases.json", import.meta.url));
const knownPath = fileURLToPath(new URL("./conformance-known-failures.json", import.meta.url));
const cases = JSON.parse(readFileSync(casesPath, "utf8")) as Case[];
const known = JSON.parse(readFileSync(knownPath, "utf8")) as Record<string, string>;

const keyOf = (c: Case) => `${c.file}/${c.section}/${c.name}`;

/** Run one case; returns undefined when it passes, else what went wrong. */
function run(c: Case): string | undefined {
  const variables: Record<string, CelType> = {};
  for (const [name, t] of Object.entries(c.type_env ?? {})) variables[name] = parseType(t) ?? { kind: "dyn" };
  const env: TypeEnv = c.container ? { variables, container: c.container } : { variables };
  const compiled = compile(c.expr, env, { unchecked: !!c.disable_check });
  if (!compiled.ok) {
    if (c.expect.error) return undefined;
    return `did not compile: ${compiled.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; ")}`;
  }
  const bindings: Record<string, CelValue> = {};
  for (const [name, v] of Object.entries(c.bindings ?? {})) bindings[name] = decode(v as never);
  const result = compiled.program.evaluate(bindings);
  if (c.expect.error) return isError(result) ? undefined : `expected an error, got ${displayValue(result)}`;
  if (isError(result)) return `error: ${result.message}`;
  const want = decode(c.expect.value as never);
  return same(result, want) ? undefined : `got ${displayValue(result)}, want ${displayValue(want)}`;
}

describe("CEL conformance (google/cel-spec simple tests, JSON form)", () => {
  const outcomes = cases.map((c) => ({ c, key: keyOf(c), failure: run(c) }));

  it("passes at least 97% overall, and prints the rate per file", () => {
    const perFile = new Map<string, { pass: number; total: number }>();
    for (const o of outcomes) {
      const s = perFile.get(o.c.file) ?? { pass: 0, total: 0 };
      s.total++;
      if (!o.failure) s.pass++;
      perFile.set(o.c.file, s);
    }
    const lines = [...perFile].map(
      ([f, s]) => `  ${f.padEnd(14)} ${s.pass}/${s.total} (${((100 * s.pass) / s.total).toFixed(1)}%)`,
    );
    const pass = outcomes.filter((o) => !o.failure).length;
    const rate = (100 * pass) / outcomes.length;
    console.log(`CEL conformance: ${pass}/${outcomes.length} (${rate.toFixed(2)}%)\n${lines.join("\n")}`);
    expect(rate).toBeGreaterThanOrEqual(97);
  });

  it("fails only the cases listed in conformance-known-failures.json", () => {
    const unexpected = outcomes
      .filter((o) => o.failure && !(o.key in known))
      .map((o) => `${o.key}: ${o.c.expr} → ${o.failure}`);
    expect(unexpected).toEqual([]);
  });

  it("lists no case that now passes, and a reason for every listed case", () => {
    const keys = new Set(outcomes.map((o) => o.key));
    const nowPassing = outcomes.filter((o) => !o.failure && o.key in known).map((o) => o.key);
    const stale = Object.keys(known).filter((k) => !keys.has(k));
    expect(nowPassing).toEqual([]);
    expect(stale).toEqual([]);
    for (const reason of Object.values(known)) expect(reason.length).toBeGreaterThan(10);
  });
});
