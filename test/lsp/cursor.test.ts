// The pure parts of finding what the cursor is on: decoded indexes in escaped and folded scalars, the member
// chain before a dot, what is being typed, and which YAML key or value a position is typing.
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { T } from "../../src/contract/cel-types.js";
import { Analysis } from "../../src/lsp/analysis.js";
import { chainStart, exprCursorAt, typingAt } from "../../src/lsp/expr-cursor.js";
import { decodedIndex } from "../../src/lsp/positions.js";
import { yamlSpotAt } from "../../src/lsp/yaml-cursor.js";

const head = "apiVersion: rbx/v1\nkind: Runbook\nmetadata: { name: t, version: 1.0.0, owners: [a] }\n";

function analysis(body: string): Analysis {
  return new Analysis("t.rb.yaml", 1, head + body, builtinCatalog);
}

describe("decoded indexes", () => {
  it("map file offsets through escapes of a double-quoted scalar and the folds of a >- scalar", () => {
    const body =
      'params:\n  x: { type: string, default: a }\nguards:\n  - that: "params.x == \\"q\\" && params.x != \'\'"\n' +
      "  - that: >-\n      params.x == 'a'\n      && params.x != 'b'\n";
    const a = analysis(body);
    const text = a.source.text;
    const [quoted, folded] = a.runbook?.guards ?? [];
    if (!quoted || !folded) throw new Error("no guards");
    // The `&&` after the escaped quotes.
    const amp = text.indexOf("&& params.x != ''");
    expect(quoted.that.text[decodedIndex(quoted.that, amp) as number]).toBe("&");
    expect(quoted.that.text.slice(decodedIndex(quoted.that, amp))).toBe("&& params.x != ''");
    // The second folded line starts right after the space the fold made.
    const second = text.indexOf("&& params.x != 'b'");
    expect(folded.that.text.slice(decodedIndex(folded.that, second))).toBe("&& params.x != 'b'");
    expect(decodedIndex(folded.that, text.length + 5)).toBeUndefined();
  });

  it("find the expression under the cursor, in a bare field and in one `${{ }}` of a template", () => {
    const body =
      'params:\n  x: { type: string, default: a }\nguards:\n  - that: params.x == "a"\n    message: "x is ${{ params.x }}, not ${{ params. }}"\n';
    const a = analysis(body);
    const text = a.source.text;
    const bare = exprCursorAt(a.sites, text.indexOf('params.x == "a"') + 7);
    expect(bare?.before).toBe("params.");
    const template = exprCursorAt(a.sites, text.indexOf("${{ params. }}") + "${{ params.".length);
    expect(template?.before).toBe(" params.");
    expect(exprCursorAt(a.sites, text.indexOf("x is ") + 2)).toBeUndefined();
  });
});

describe("what is being typed", () => {
  const env = {
    variables: {
      params: T.object("params", { s: T.string }),
      output: T.object("out", {
        rows: T.list(T.object("row", { name: T.string })),
        m: T.map(T.string, T.int),
      }),
    },
  };

  it("finds the start of a member chain over indexes and calls", () => {
    const t = "size(output.rows[0].name.trim().";
    expect(t.slice(chainStart(t, t.length - 1))).toBe("output.rows[0].name.trim().");
  });

  it("types the operand, macro variables included, and stops inside string literals", () => {
    expect(typingAt("output.rows[0].na", env)).toMatchObject({
      kind: "member",
      operand: "output.rows[0]",
      prefix: "na",
    });
    expect((typingAt("output.rows[0].", env) as { type: unknown }).type).toMatchObject({
      kind: "object",
      name: "row",
    });
    expect((typingAt("output.rows.exists(r, r.", env) as { type: unknown }).type).toMatchObject({
      name: "row",
    });
    expect((typingAt("output.m.all(k, v, v.", env) as { type: unknown }).type).toEqual(T.int);
    // A macro closed before the cursor no longer binds its variable.
    expect(typingAt("output.rows.exists(r, true) && r.", env)).toMatchObject({
      kind: "member",
      type: undefined,
    });
    expect(typingAt('params.s == "a.', env)).toBeUndefined();
    expect(typingAt("1.", env)).toBeUndefined();
    expect(typingAt("par", env)).toMatchObject({ kind: "name", prefix: "par" });
  });
});

describe("YAML spots", () => {
  const body =
    "phases:\n  - id: p\n    steps:\n      - id: s\n        action: helm.hi\n        with:\n          release: x\n          \n" +
    "      - id: t\n        action: http.check\n        with: { url: /a,  }\n";

  it("tells a value after `key:` from a key being typed, by the line and the indentation", () => {
    const a = analysis(body);
    const text = a.source.text;
    const yaml = a.loaded.yaml;
    if (!yaml) throw new Error("no yaml");
    const action = yamlSpotAt(yaml, a.source, text.indexOf("helm.hi") + 7);
    expect(action).toMatchObject({
      kind: "value",
      path: ["phases", 0, "steps", 0, "action"],
      prefix: "helm.hi",
    });
    const blank = text.indexOf("release: x\n") + "release: x\n          ".length;
    expect(yamlSpotAt(yaml, a.source, blank)).toMatchObject({
      kind: "key",
      path: ["phases", 0, "steps", 0, "with"],
      prefix: "",
    });
    const flow = text.indexOf("url: /a,  }") + "url: /a, ".length;
    expect(yamlSpotAt(yaml, a.source, flow)).toMatchObject({
      kind: "key",
      path: ["phases", 0, "steps", 1, "with"],
    });
  });
});
