// A row of field selects (`a.b.c.d`) gives what one select at a time gives: the value, or the first error of the
// row (a missing key, a value that has no fields, an error read from a variable), and a dotted variable inside the
// row is read whole.
import { describe, expect, it } from "vitest";
import { type Bindings, compile, displayValue, isError, T, type TypeEnv } from "../../src/expr/index.js";

const leaf = T.object("leaf", { d: T.int });
const env: TypeEnv = {
  variables: {
    a: T.object("a", { b: T.object("b", { c: leaf }) }),
    m: T.map(T.string, T.dyn),
    "x.y": T.object("xy", { z: T.object("z", { w: T.string }) }),
  },
};

function run(expr: string, b: Bindings): string {
  const r = compile(expr, env);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  const v = r.program.evaluate(b);
  return isError(v) ? `error: ${v.message}` : displayValue(v);
}

const map = (o: Record<string, unknown>): Map<string, unknown> =>
  new Map(
    Object.entries(o).map(([k, v]) => [
      k,
      v && typeof v === "object" && !Array.isArray(v) ? map(v as Record<string, unknown>) : v,
    ]),
  );

describe("rows of field selects", () => {
  it("read the value at the end of the row", () => {
    const b = {
      a: map({ a: 0, b: { c: { d: 4n } } }),
      m: map({}),
      "x.y": map({ z: { w: "ok" } }),
    } as Bindings;
    expect(run("a.b.c.d", b)).toBe("4");
    expect(run("x.y.z.w", b)).toBe('"ok"');
    expect(run("a.b.c.d + 1", b)).toBe("5");
  });

  it("stop at the first missing key and give its error", () => {
    const b = { a: map({ b: { x: 1n } }), m: map({ p: { q: 1n } }), "x.y": map({}) } as Bindings;
    expect(run("a.b.c.d", b)).toMatch(/no such key: 'c'/);
    expect(run("m.p.r.s", b)).toMatch(/no such key: 'r'/);
    expect(run("x.y.z.w", b)).toMatch(/no such key: 'z'/);
  });

  it("stop at a value without fields and say which type it is", () => {
    const b = { a: map({ b: { c: [1n, 2n] } }), m: map({ p: "text" }), "x.y": map({}) } as Bindings;
    expect(run("a.b.c.d", b)).toMatch(/type 'list' does not support field selection/);
    expect(run("m.p.q.r", b)).toMatch(/type 'string' does not support field selection/);
  });

  it("pass on the error of a variable with no value", () => {
    expect(run("a.b.c.d", {} as Bindings)).toMatch(/no value was given for 'a'/);
  });
});
