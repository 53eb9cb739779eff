// Evaluator behaviour beyond the conformance suite: semver, time zones, cost limit, templates, the JS value mapping.
import { describe, expect, it } from "vitest";
import {
  type Bindings,
  type CelDuration,
  type CelError,
  CelSemver,
  CelTimestamp,
  CelUint,
  type CelValue,
  compile,
  compileTemplate,
  displayValue,
  fromCel,
  isError,
  T,
  type TypeEnv,
  toCel,
  typeName,
} from "../../src/expr/index.js";

const env: TypeEnv = {
  variables: {
    v: T.semver,
    s: T.string,
    n: T.int,
    out: T.object("out", { status: T.int, items: T.list(T.string) }),
    secretUrl: T.string,
  },
  secrets: new Set(["secretUrl"]),
};
const bindings: Bindings = {
  v: toCel("4.2.0-rc.1", T.semver),
  s: "hello",
  n: 7n,
  out: toCel({ status: 200, items: ["a", "b"] }, env.variables.out),
  secretUrl: "postgres://u:p@h/db",
};

function run(expr: string, b: Bindings = bindings): CelValue | CelError {
  const c = compile(expr, env);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("; "));
  return c.program.evaluate(b);
}

describe("evaluate", () => {
  it("says a format precision over 100 digits is a precision error, not a nesting one", () => {
    const e = run("'%.101f'.format([1.5])") as CelError;
    expect(isError(e)).toBe(true);
    expect(e.message).toBe("could not format %.101f: the precision is at most 100 digits");
    expect((run("'%.102e'.format([1.5])") as CelError).message).toMatch(/precision is at most 100 digits/);
    expect(run("'%.100f'.format([1.5])")).toBe(`1.5${"0".repeat(99)}`);
  });

  it("orders semantic versions by precedence and reads their parts", () => {
    expect(
      run('v < semver("4.2.0") && v > semver("4.2.0-beta.9") && semver("v10.0.0") > semver("9.9.9")'),
    ).toBe(true);
    expect(run("[v.major(), v.minor(), v.patch()]")).toEqual([4n, 2n, 0n]);
    expect(run('v == "4.2.0-rc.1" && v.startsWith("4.")')).toBe(true);
    expect(run('isSemver("1.2") || isSemver("latest")')).toBe(false);
    expect(isError(run('semver("latest") > v'))).toBe(true);
  });

  it("evaluates && and || commutatively over errors", () => {
    expect(run("1/0 == 1 && false")).toBe(false);
    expect(run("false && 1/0 == 1")).toBe(false);
    expect(run("1/0 == 1 || true")).toBe(true);
    expect(isError(run("1/0 == 1 || false"))).toBe(true);
  });

  it("refuses implicit numeric conversion and reports overflow as an error value", () => {
    expect(compile("n + 1.5", env).ok).toBe(false);
    expect(run("n + int(1.5)")).toBe(8n);
    expect((run("9223372036854775807 + n") as CelError).message).toContain("overflow");
    expect((run("0u - 1u") as CelError).message).toContain("overflow");
  });

  it("computes timestamp fields in IANA zones and fixed offsets", () => {
    const t = "timestamp('2024-03-31T00:30:00Z')";
    expect(run(`${t}.getHours('Europe/Berlin')`)).toBe(1n);
    expect(run(`${t}.getHours('+05:30')`)).toBe(6n);
    expect(run(`${t}.getDayOfWeek()`)).toBe(0n);
    expect(run(`${t}.getMonth()`)).toBe(2n);
    expect(run(`${t}.getDate()`)).toBe(31n);
    expect(run(`${t} - timestamp('2024-03-30T00:30:00Z') == duration('24h')`)).toBe(true);
    expect(isError(run(`${t}.getHours('Mars/Olympus')`))).toBe(true);
  });

  it("stops a runaway expression at the cost limit", () => {
    const c = compile(
      "[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, a + b + c)))",
      env,
    );
    if (!c.ok) throw new Error("compile");
    expect(isError(c.program.evaluate(bindings, { costLimit: 500 }))).toBe(true);
    expect(Array.isArray(c.program.evaluate(bindings))).toBe(true);
    expect(isError(run("'ab'.replace('', 'x').size() > 0 && s.split('').size() == 5"))).toBe(false);
  });

  it("supports the macros including map with a filter and two-variable forms", () => {
    expect(run("out.items.map(i, i != 'a', i + '!')")).toEqual(["b!"]);
    expect(run("{'a': 1, 'b': 2}.all(k, v, v > 0)")).toBe(true);
    expect(run("out.items.exists_one(i, i == 'b') && has(out.status) && !has({'a': 1}.b)")).toBe(true);
    expect(compile("has(out.nope)", env).ok).toBe(false);
  });

  it("marks programs that read a secret", () => {
    const c = compile("secretUrl.contains('@')", env);
    expect(c.ok && c.program.secret).toBe(true);
    const d = compile("s.contains('@')", env);
    expect(d.ok && d.program.secret).toBe(false);
  });

  it("taints by the field read, not by the object a secret lives in", () => {
    const withSecret: TypeEnv = {
      variables: { params: T.object("params", { release: T.string, databaseUrl: T.string }) },
      secrets: new Set(["params.databaseUrl"]),
    };
    const secretOf = (src: string) => {
      const c = compile(src, withSecret);
      if (!c.ok) throw new Error(c.diagnostics.map((x) => x.message).join("; "));
      return c.program.secret;
    };
    expect(secretOf("params.release")).toBe(false);
    expect(secretOf("params.release + '-x'")).toBe(false);
    expect(secretOf("params.databaseUrl")).toBe(true);
    expect(secretOf("params.databaseUrl.size() > 0 ? 'a' : 'b'")).toBe(true);
    expect(secretOf("params['databaseUrl']")).toBe(true);
    expect(secretOf("[params].size() == 1 ? params : params")).toBe(true);
  });
});

describe("templates", () => {
  it("keeps the expression's type for a whole-value template", () => {
    const c = compileTemplate("${{ out.status }}", env);
    expect(c.ok && typeName(c.type)).toBe("int");
    expect(c.ok && c.program.evaluate(bindings)).toBe(200n);
  });

  it("renders mixed templates as strings with CEL string conversion", () => {
    const c = compileTemplate(
      "v=${{ v }} n=${{ n + 1 }} ok=${{ out.status == 200 }} d=${{ duration('90s') }}",
      env,
    );
    expect(c.ok && typeName(c.type)).toBe("string");
    expect(c.ok && c.program.evaluate(bindings)).toBe("v=4.2.0-rc.1 n=8 ok=true d=90s");
  });

  it("reports an unclosed template and a bad part at their offsets", () => {
    const a = compileTemplate("x ${{ n", env);
    expect(!a.ok && a.diagnostics[0]?.span.start.column).toBe(3);
    const b = compileTemplate("ab ${{ nope }}", env);
    expect(!b.ok && [b.diagnostics[0]?.code, b.diagnostics[0]?.span.start.column]).toEqual([
      "unknown-identifier",
      8,
    ]);
  });
});

describe("the CEL ↔ JavaScript value mapping", () => {
  it("converts JSON by declared type", () => {
    const t = T.object("o", {
      i: T.int,
      u: T.uint,
      d: T.double,
      when: T.timestamp,
      dur: T.duration,
      ver: T.semver,
      tags: T.list(T.string),
    });
    const v = toCel(
      { i: 3, u: 4, d: 5, when: "2024-01-01T00:00:00Z", dur: "1m30s", ver: "1.2.3", tags: ["a"] },
      t,
    ) as ReadonlyMap<string, CelValue>;
    expect(v.get("i")).toBe(3n);
    expect(v.get("u")).toEqual(new CelUint(4n));
    expect(v.get("d")).toBe(5);
    expect(v.get("when")).toBeInstanceOf(CelTimestamp);
    expect((v.get("dur") as CelDuration).nanos).toBe(90_000_000_000n);
    expect(v.get("ver")).toBeInstanceOf(CelSemver);
    expect(fromCel(v)).toEqual({
      i: 3,
      u: 4,
      d: 5,
      when: "2024-01-01T00:00:00Z",
      dur: "90s",
      ver: "1.2.3",
      tags: ["a"],
    });
  });

  it("maps untyped integral numbers to int and others to double; bytes to base64 on the way out", () => {
    expect(toCel(2)).toBe(2n);
    expect(toCel(2.5)).toBe(2.5);
    expect(fromCel(new Uint8Array([104, 105]))).toBe("aGk=");
    expect(fromCel(2n ** 60n)).toBe("1152921504606846976");
    expect(displayValue(toCel({ a: [1, 2.5, "x", null] }))).toBe('{"a": [1, 2.5, "x", null]}');
  });
});
