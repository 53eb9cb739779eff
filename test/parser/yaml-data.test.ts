// The schema check's data: documentData gives exactly what yaml's toJS gives, for every document rbx accepts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { documentData } from "../../src/parser/yaml-data.js";

/**
 * The value as a tree of own fields in order, each object's prototype named: toStrictEqual reads an own
 * `constructor` field as the object's class and could not compare two objects that have one.
 */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return ["array", v.map(shape)];
  if (v !== null && typeof v === "object") {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? "object" : "other";
    return [proto, Object.getOwnPropertyNames(v).map((k) => [k, shape((v as Record<string, unknown>)[k])])];
  }
  return v;
}

function both(text: string): [unknown, unknown] {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: "error" });
  expect(doc.errors).toEqual([]);
  return [shape(documentData(doc)), shape(doc.toJS({ maxAliasCount: -1 }))];
}

describe("documentData", () => {
  it("keys as yaml keys them: null as empty, numbers and booleans as their text, object names as own fields", () => {
    const text = [
      "~: a",
      "1: one",
      "0x10: hex",
      "true: yes",
      "1.50: f",
      "__proto__: { polluted: 1 }",
      "constructor: c",
      "toString: t",
      "empty:",
      'quoted: "x\\ty"',
      "list: [a, b: 2, { c: 3 }, [4, 5.5, null, false]]",
      "block: |\n  line one\n  line two\n",
      "nested:\n  - id: s\n    with: { url: 'http://x', n: -7 }\n",
      "",
    ].join("\n");
    const [ours, yaml] = both(text);
    expect(ours).toStrictEqual(yaml);
    const names = ((ours as [string, [string, unknown][]])[1] ?? []).map(([k]) => k);
    expect(names).toContain("__proto__");
    expect(names).toContain("");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a scalar or a list as the whole document", () => {
    for (const text of ["hello\n", "42\n", "- a\n- b\n", "[]\n", "{}\n"]) {
      const [ours, yaml] = both(text);
      expect(ours).toStrictEqual(yaml);
    }
  });

  it("aliases are left to yaml (the loader refuses them before this, but the value stays yaml's)", () => {
    const [ours, yaml] = both("a: &x { b: 1 }\nc: *x\n");
    expect(ours).toStrictEqual(yaml);
  });

  it("any JSON-like value written as YAML reads back the same", () => {
    const key = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom("__proto__", "constructor", "1", "null"),
    );
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
      ),
      node: fc.oneof(
        { depthSize: "small" },
        tie("leaf"),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, flow) => {
        const text = stringify(v, flow ? { collectionStyle: "flow" } : {});
        const [ours, yaml] = both(text);
        expect(ours).toStrictEqual(yaml);
      }),
      { numRuns: 300 },
    );
  });
});
