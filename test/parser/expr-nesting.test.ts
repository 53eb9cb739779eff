// The nesting limit of expressions: brackets of every kind and `?` count together, closing brackets give levels
// back, and the first token past the limit is where the problem is reported.
import { describe, expect, it } from "vitest";
import { MAX_NESTING, parseExpr } from "../../src/parser/expr/parse.js";

function problem(text: string): { message: string; start: number } | undefined {
  const r = parseExpr(text);
  if (r.ok) return undefined;
  const p = r.problems[0];
  return p && { message: p.message, start: p.start };
}

const tooDeep = (start: number) => ({
  message: `the expression nests deeper than ${MAX_NESTING} levels; split it`,
  start,
});

describe("expression nesting limit", () => {
  it("accepts brackets and conditionals up to the limit", () => {
    expect(problem(`${"(".repeat(MAX_NESTING)}1${")".repeat(MAX_NESTING)}`)).toBeUndefined();
    expect(problem(`${"a ? b : ".repeat(MAX_NESTING)}c`)).toBeUndefined();
  });

  it("reports the first bracket or '?' past the limit", () => {
    expect(problem(`${"(".repeat(MAX_NESTING + 1)}1${")".repeat(MAX_NESTING + 1)}`)).toEqual(
      tooDeep(MAX_NESTING),
    );
    expect(problem(`${"a ? b : ".repeat(MAX_NESTING + 1)}c`)).toEqual(tooDeep(MAX_NESTING * 8 + 2));
    // Kinds mix: list brackets, map braces and parentheses count alike, and a '?' adds to them.
    const mixed = `${"[".repeat(40)}${"{1: ".repeat(40)}${"(".repeat(16)}x ? y : z`;
    expect(problem(mixed)).toEqual(tooDeep(mixed.indexOf("?")));
  });

  it("gives levels back as brackets close", () => {
    const row = `${"(".repeat(MAX_NESTING)}1${")".repeat(MAX_NESTING)}`;
    expect(problem(`${row} + ${row} + ${row}`)).toBeUndefined();
    expect(problem(`[${"(".repeat(MAX_NESTING - 1)}1${")".repeat(MAX_NESTING - 1)}, (1)]`)).toBeUndefined();
  });
});
