// The expression parser's committed lookahead table is what chevrotain's LL(k) analysis computes from the grammar
// today, and each function built from it decides exactly as chevrotain's own would, for every pair of next tokens.
import type { ILookaheadStrategy, IToken, OptionalProductionType, TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import { chevrotain } from "../../src/parser/expr/chevrotain.js";
import { buildGrammar, MAX_LOOKAHEAD } from "../../src/parser/expr/grammar.js";
import { computeLookaheadTable, tableLookahead } from "../../src/parser/expr/lookahead.js";
import { LOOKAHEAD_TABLE } from "../../src/parser/expr/lookahead-table.js";
import { buildTokens } from "../../src/parser/expr/tokens.js";

const chev = chevrotain();
const tokens = buildTokens(chev);
const rules = buildGrammar(chev, tokens, { validate: true, lookahead: "computed" }).getGAstProductions();

describe("the expression parser's lookahead table", () => {
  it("is what chevrotain computes from the grammar (after a grammar change: npm run build && node scripts/gen-lookahead.js)", () => {
    const computed = computeLookaheadTable(chev, rules, MAX_LOOKAHEAD);
    expect(LOOKAHEAD_TABLE).toEqual(computed);
    expect(Object.keys(computed.alternations).length).toBeGreaterThan(1);
    expect(Object.keys(computed.optionals).length).toBeGreaterThan(10);
  });

  it("decides every OR, OPTION and loop as chevrotain's LL(k) strategy does, for every two next tokens", () => {
    const table = tableLookahead(chev, tokens.all, MAX_LOOKAHEAD, LOOKAHEAD_TABLE);
    const llk: ILookaheadStrategy = new chev.LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD });
    // Every token a lexer can produce (categories have no pattern of their own), and the end of the input.
    const concrete = tokens.all.filter((t) => t.PATTERN !== chev.Lexer.NA);
    const kinds: TokenType[] = [...concrete, chev.EOF];
    const token = (t: TokenType): IToken => chev.createTokenInstance(t, "x", 0, 0, 0, 0, 0, 0);
    const pairs = kinds.flatMap((a) => kinds.map((b) => [token(a), token(b)] as const));
    const ahead = (pair: readonly [IToken, IToken]) => ({ LA_FAST: (i: number) => pair[i - 1] as IToken });
    let decisions = 0;
    for (const key of Object.keys(LOOKAHEAD_TABLE.alternations)) {
      const [ruleName, , occurrence] = key.split("/");
      const rule = rules[ruleName as string];
      expect(rule, key).toBeDefined();
      const options = {
        prodOccurrence: Number(occurrence),
        rule: rule as NonNullable<typeof rule>,
        maxLookahead: MAX_LOOKAHEAD,
        hasPredicates: false,
        dynamicTokensEnabled: false,
      };
      const ours = table.buildLookaheadForAlternation(options);
      const theirs = llk.buildLookaheadForAlternation(options);
      for (const pair of pairs) expect(ours.call(ahead(pair)), key).toBe(theirs.call(ahead(pair)));
      decisions++;
    }
    for (const key of Object.keys(LOOKAHEAD_TABLE.optionals)) {
      const [ruleName, prodType, occurrence] = key.split("/");
      const rule = rules[ruleName as string];
      expect(rule, key).toBeDefined();
      const options = {
        prodOccurrence: Number(occurrence),
        prodType: prodType as OptionalProductionType,
        rule: rule as NonNullable<typeof rule>,
        maxLookahead: MAX_LOOKAHEAD,
        dynamicTokensEnabled: false,
      };
      const ours = table.buildLookaheadForOptional(options);
      const theirs = llk.buildLookaheadForOptional(options);
      for (const pair of pairs) expect(ours.call(ahead(pair)), key).toBe(theirs.call(ahead(pair)));
      decisions++;
    }
    expect(decisions).toBe(
      Object.keys(LOOKAHEAD_TABLE.alternations).length + Object.keys(LOOKAHEAD_TABLE.optionals).length,
    );
    expect(pairs.length).toBeGreaterThan(1000);
  });

  it("asks chevrotain's analysis for what it has no entry for", () => {
    const empty = tableLookahead(chev, tokens.all, MAX_LOOKAHEAD, { alternations: {}, optionals: {} });
    const rule = rules.listLiteral as NonNullable<(typeof rules)["listLiteral"]>;
    const options = {
      prodOccurrence: 0,
      prodType: "Repetition" as const,
      rule,
      maxLookahead: MAX_LOOKAHEAD,
      dynamicTokensEnabled: false,
    };
    const fn = empty.buildLookaheadForOptional(options);
    const comma = chev.createTokenInstance(tokens.Comma, ",", 0, 0, 0, 0, 0, 0);
    const one = chev.createTokenInstance(tokens.IntLit, "1", 0, 0, 0, 0, 0, 0);
    const close = chev.createTokenInstance(tokens.RBracket, "]", 0, 0, 0, 0, 0, 0);
    // `, 1` continues the list; `, ]` is its trailing comma: two tokens decide.
    expect(fn.call({ LA_FAST: (i: number) => [comma, one][i - 1] })).toBe(true);
    expect(fn.call({ LA_FAST: (i: number) => [comma, close][i - 1] })).toBe(false);
  });
});
