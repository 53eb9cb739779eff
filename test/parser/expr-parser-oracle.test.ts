// The expression parser (chevrotain embedded actions, building the AST as it parses) gives exactly what the CST
// grammar and visitor it replaced give (the reference, kept in test/support/expr-oracle): the same AST with the
// same node ids, or the same problems at the same places, on the conformance corpus, every ASCII character in
// every position a token can take, and seeded fuzz.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseExpr, setParseCacheSize } from "../../src/parser/expr/parse.js";
import { extreme, genExpr, mutate, noise, rng } from "../expr/fuzz-gen.js";
import { oracleParse, validateOracleGrammar } from "../support/expr-oracle/parse.js";

const casesPath = fileURLToPath(new URL("../data/cel-spec/cel-cases.json", import.meta.url));

function corpus(): string[] {
  const out: string[] = [];
  for (const c of JSON.parse(readFileSync(casesPath, "utf8")) as { expr: string }[]) out.push(c.expr);
  // Every ASCII character alone and where each kind of token could stand.
  for (let code = 0; code < 128; code++) {
    const ch = String.fromCharCode(code);
    out.push(ch, `a${ch}`, `${ch}1`, `${ch}${ch}`, `'${ch}'`, `.${ch}5`, `[1,${ch}]`, `{1:${ch}}`);
    out.push(`f(${ch})`, `a.${ch}`, `-${ch}`, `a ? ${ch}`, `a ? b ${ch} c`, `0x${ch}`, `1${ch}u`);
  }
  const r = rng(20261204);
  for (let i = 0; i < 5000; i++) {
    const e = genExpr(r, 4);
    out.push(e, mutate(r, e), noise(r));
  }
  for (let i = 0; i < 300; i++) out.push(extreme(r));
  return out;
}

/** A result as comparable text: bigints, bytes and uints spelled out. */
function shape(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Uint8Array) return `bytes:${[...v].join(",")}`;
    if (v !== null && typeof v === "object" && v.constructor?.name === "CelUint") return `uint:${String(v)}`;
    return v;
  });
}

describe("the expression parser against its chevrotain reference", () => {
  it("the reference grammar passes chevrotain's definition checks", () => {
    expect(() => validateOracleGrammar()).not.toThrow();
  });

  it("parse every text of the corpus to the same AST, node ids and problems", () => {
    setParseCacheSize(0);
    try {
      const texts = corpus();
      expect(texts.length).toBeGreaterThan(16_000);
      let differing = 0;
      for (const text of texts) {
        const ours = shape(parseExpr(text));
        const reference = shape(oracleParse(text));
        if (ours !== reference) {
          differing++;
          expect({ text, result: ours }).toEqual({ text, result: reference });
        }
      }
      expect(differing).toBe(0);
    } finally {
      setParseCacheSize(512);
    }
  });
});
