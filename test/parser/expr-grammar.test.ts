// The expression lexer and grammar pass all of chevrotain's definition checks (skipped at run time for speed).
import { describe, expect, it } from "vitest";
import { validateGrammar } from "../../src/parser/expr/parse.js";

describe("expression grammar definitions", () => {
  it("build with chevrotain's lexer and grammar validations on, without a definition error", () => {
    expect(() => validateGrammar()).not.toThrow();
  });
});
