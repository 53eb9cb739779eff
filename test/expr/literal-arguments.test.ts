// A call whose second argument is a literal (`x > 0`, `x == 200`, `s.startsWith("4.")`) gives what the same
// call with the literal computed gives: the result, the first argument's error first, and run-time overload
// choice for dyn values.
import { describe, expect, it } from "vitest";
import { type Bindings, compile, displayValue, isError, T, type TypeEnv } from "../../src/expr/index.js";

const env: TypeEnv = {
  variables: { n: T.int, s: T.string, d: T.dyn, m: T.map(T.string, T.dyn) },
};
const bindings = { n: 3n, s: "4.2.0", d: 2.5, m: new Map([["k", 7n]]) } as Bindings;

function run(expr: string, b: Bindings = bindings): string {
  const r = compile(expr, env);
  if (!r.ok) throw new Error(r.diagnostics.map((x) => x.message).join("; "));
  const v = r.program.evaluate(b);
  return isError(v) ? `error: ${v.message}` : displayValue(v);
}

describe("calls with a literal second argument", () => {
  it("give the same results as with the literal in a variable or on the left", () => {
    for (const [lit, expr] of [
      ["n > 2", "2 < n"],
      ["n == 3", "3 == n"],
      ["n != 3", "3 != n"],
      ['s.startsWith("4.")', "s.startsWith(s.substring(0, 2))"],
      ["d > 2", "2 < d"],
      ["d == 2.5", "2.5 == d"],
      ["m.k == 7", "7 == m.k"],
      ["m.k + 1", "1 + m.k"],
    ] as const)
      expect({ lit, v: run(lit) }).toEqual({ lit, v: run(expr) });
    expect(run("n > 2")).toBe("true");
    expect(run("d + 1.0")).toBe("3.5");
  });

  it("give the first argument's error", () => {
    expect(run("m.missing == 7")).toMatch(/no such key: 'missing'/);
    expect(run("m.missing > 1")).toMatch(/no such key: 'missing'/);
    expect(run("n > 2", {} as Bindings)).toMatch(/no value was given for 'n'/);
  });

  it("choose the overload at run time for dyn values and say when none fits", () => {
    expect(run("d > 2")).toBe("true");
    expect(run("d > 2", { ...bindings, d: "x" } as Bindings)).toMatch(/^error: /);
  });
});
