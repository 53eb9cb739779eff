// The checker on its own: inferred types, overload resolution, did-you-mean and the runbook environment.
import { describe, expect, it } from "vitest";
import { closest } from "../../src/check/did-you-mean.js";
import { overloads } from "../../src/check/overloads.js";
import { type CelType, T, typeName } from "../../src/contract/cel-types.js";
import { compile, type TypeEnv } from "../../src/expr/index.js";
import { stdlib } from "../../src/expr/stdlib/index.js";

const env: TypeEnv = {
  variables: {
    i: T.int,
    s: T.string,
    l: T.list(T.string),
    m: T.map(T.string, T.int),
    d: T.dyn,
    rec: T.object("rec", { name: T.string, tags: T.list(T.string) }),
  },
};

function typeOf(expr: string): string {
  const c = compile(expr, env);
  if (!c.ok) return c.diagnostics.map((x) => x.code).join(",");
  return typeName(c.type as CelType);
}

describe("checker", () => {
  it("infers types", () => {
    expect(typeOf("i + 1")).toBe("int");
    expect(typeOf("[1, 2]")).toBe("list(int)");
    expect(typeOf("[1, 'a']")).toBe("list(dyn)");
    expect(typeOf("m['a'] * 2")).toBe("int");
    expect(typeOf("rec.tags.map(t, size(t))")).toBe("list(int)");
    expect(typeOf("l.filter(x, x != '')")).toBe("list(string)");
    expect(typeOf("d.anything.goes")).toBe("dyn");
    expect(typeOf("type(1)")).toBe("type(int)");
    expect(typeOf("i == 1 ? 'a' : 'b'")).toBe("string");
    expect(typeOf("timestamp('2024-01-01T00:00:00Z') - duration('1h')")).toBe("timestamp");
  });

  it("reports each problem with its code", () => {
    expect(typeOf("nope")).toBe("unknown-identifier");
    expect(typeOf("rec.nmae")).toBe("unknown-field");
    expect(typeOf("i + 's'")).toBe("no-matching-overload");
    expect(typeOf("s.startsWith()")).toBe("wrong-argument-count");
    expect(typeOf("i == 's'")).toBe("type-mismatch");
    expect(typeOf("i && true")).toBe("type-mismatch");
    expect(typeOf("sise(s)")).toBe("unknown-identifier");
    expect(typeOf("1 +")).toBe("expr-syntax");
    expect(typeOf("let")).toBe("reserved-word");
  });

  it("suggests near names and lists the available ones", () => {
    const c = compile("rec.nmae", env);
    expect(!c.ok && c.diagnostics[0]?.message).toBe(
      "'nmae' is not a field of rec. Did you mean 'name'? Available: name, tags.",
    );
    const f = compile("sise(s)", env);
    expect(!f.ok && f.diagnostics[0]?.message).toContain("Did you mean 'size'?");
    expect(closest("stpes", ["steps", "params", "env"])).toEqual(["steps"]);
  });

  it("has an implementation for every declared overload", () => {
    expect(overloads.filter((o) => !stdlib[o.id]).map((o) => o.id)).toEqual([]);
  });

  it("lets an environment add functions with their implementation", () => {
    const withFn: TypeEnv = {
      ...env,
      functions: [
        {
          name: "double_it",
          overloads: [
            { id: "double_it_int", params: [T.int], result: T.int, impl: (x) => (x as bigint) * 2n },
          ],
        },
      ],
    };
    const c = compile("double_it(i)", withFn);
    expect(c.ok && c.program.evaluate({ i: 21n })).toBe(42n);
  });
});
