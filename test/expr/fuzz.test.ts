// Robustness: 100,000+ generated, mutated and random inputs through lexer, parser, checker and evaluator.
import { describe, expect, it } from "vitest";
import { type Bindings, compile, isError, T, type TypeEnv, toCel } from "../../src/expr/index.js";
import { extreme, genExpr, mutate, noise, rng } from "./fuzz-gen.js";

const env: TypeEnv = {
  variables: {
    x: T.int,
    y: T.double,
    s: T.string,
    l: T.list(T.int),
    m: T.map(T.string, T.int),
    d: T.dyn,
    t: T.timestamp,
    steps: T.object("steps", {
      a: T.object("step a", { output: T.object("out", { status: T.int }), status: T.string }),
    }),
    params: T.object("params", { v: T.semver }),
  },
};
const bindings: Bindings = {
  x: 3n,
  y: 2.5,
  s: "a,b",
  l: [1n, 2n, 3n],
  m: toCel({ a: 1, b: 2 }),
  d: toCel({ k: [1, "two", null] }),
  t: toCel("2024-05-01T10:00:00Z", T.timestamp),
  steps: toCel({ a: { output: { status: 200 }, status: "succeeded" } }),
  params: toCel({ v: "4.1.0" }, T.object("params", { v: T.semver })),
};

interface Tally {
  inputs: number;
  compiled: number;
  evaluated: number;
  slowestMs: number;
  slowest: string;
  crashes: string[];
}

/** Feed one input through checked and unchecked compilation and evaluation; record any exception. */
function feed(input: string, t: Tally): void {
  const start = performance.now();
  t.inputs++;
  try {
    for (const unchecked of [false, true]) {
      const c = compile(input, env, { unchecked });
      if (!c.ok) {
        if (c.diagnostics.length === 0) t.crashes.push(`no diagnostics for a failed compile: ${input}`);
        continue;
      }
      t.compiled++;
      const v = c.program.evaluate(bindings, { costLimit: 20_000 });
      // Program.evaluate turns an internal exception into an error value; the fuzz test counts it as a crash.
      if (isError(v) && v.message.startsWith("evaluation failed"))
        t.crashes.push(`${JSON.stringify(input)}: ${v.message}`);
      t.evaluated++;
    }
  } catch (err) {
    t.crashes.push(`${JSON.stringify(input.slice(0, 200))}: ${String(err)}`);
  }
  const ms = performance.now() - start;
  if (ms > t.slowestMs) {
    t.slowestMs = ms;
    t.slowest = input.slice(0, 80);
  }
}

function batch(seed: number, count: number, make: (r: () => number) => string): Tally {
  const r = rng(seed);
  const t: Tally = { inputs: 0, compiled: 0, evaluated: 0, slowestMs: 0, slowest: "", crashes: [] };
  for (let i = 0; i < count; i++) feed(make(r), t);
  console.log(
    `seed ${seed}: ${t.inputs} inputs, ${t.compiled} compiled, ${t.evaluated} evaluated, slowest ${t.slowestMs.toFixed(1)} ms (${JSON.stringify(t.slowest)})`,
  );
  return t;
}

describe("fuzz: no input crashes or hangs the expression pipeline", () => {
  // 45k + 40k + 12k + 3.5k = 100,500 inputs, each through both the checked and the unchecked pipeline.
  it("45,000 generated expressions", () => {
    const t = batch(1, 45_000, (r) => genExpr(r, 4));
    expect(t.crashes).toEqual([]);
    expect(t.evaluated).toBeGreaterThan(10_000);
  });

  it("40,000 mutated expressions", () => {
    const t = batch(2, 40_000, (r) => mutate(r, genExpr(r, 3)));
    expect(t.crashes).toEqual([]);
  });

  it("12,000 random strings", () => {
    const t = batch(3, 12_000, noise);
    expect(t.crashes).toEqual([]);
  });

  it("3,500 pathological inputs (deep nesting, long chains, exponential patterns, huge iteration)", () => {
    const t = batch(4, 3_500, extreme);
    expect(t.crashes).toEqual([]);
    // A hang detector, not a speed target: the cost limit and size limits keep every input far below this.
    expect(t.slowestMs).toBeLessThan(10_000);
  });
});
