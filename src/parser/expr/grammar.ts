// The CEL grammar as a chevrotain EmbeddedActionsParser: each rule returns its AST node as it parses (macros
// expanded, CEL precedence applied), so no CST is built and none is visited. Rules are few and wide (an operand
// with its prefixes, primary and suffixes is one rule), because each rule invocation is the parser's main cost.
//   expr     = operand {BinOp operand} ["?" binary ":" expr]     BinOp is one token category; folded by precedence
//   binary   = operand {BinOp operand}
//   operand  = {"!" | "-"} primary {"." Name [callArgs] | "[" expr "]"}
//   primary  = ["."] Identifier [callArgs] | "(" expr ")" | listLiteral | mapLiteral | Literal
//   callArgs = "(" [expr {"," expr}] ")"          listLiteral = "[" [expr {"," expr} [","]] "]"
//   mapLiteral = "{" [mapEntry {"," mapEntry} [","]] "}"      mapEntry = expr ":" expr
// Node ids are given as nodes complete (children first) and problems are listed in the order nodes complete.
// While chevrotain records the grammar (once, at the first parse) every DSL call returns a placeholder, so each
// action is skipped when RECORDING_PHASE is set. On the hot path (prefixes, the primary, suffixes, operator rows,
// `? :`, call arguments) the choice between a production's alternatives, taken by chevrotain's OR/MANY/OPTION
// from its LL(1) lookahead, is read from a table by the next token's type instead (`Decisions`): the recorded
// grammar is the same (the DSL calls run while recording), every token is still CONSUMEd and every rule still
// entered through chevrotain, and a token no table admits goes to the DSL call, which raises chevrotain's error.
import type { EmbeddedActionsParser, IOrAlt, IToken, ParserMethod, TokenType } from "chevrotain";
import type { CallExpr, ComprehensionMacro, Expr, ExprProblem, LiteralValue } from "./ast.js";
import type { ChevrotainModule } from "./chevrotain.js";
import { decodeInt, decodeQuoted, decodeUint } from "./literals.js";
import { tableLookahead } from "./lookahead.js";
import { LOOKAHEAD_TABLE } from "./lookahead-table.js";
import { COMPREHENSIONS, PRECEDENCE, REL_FN, RESERVED } from "./syntax-tables.js";
import type { Tokens } from "./tokens.js";

/** The parser the one instance of which `parse` reuses: the entry rule and what one parse found. */
export interface CelGrammar extends EmbeddedActionsParser {
  expr: ParserMethod<[], Expr>;
  /** Problems of a syntactically sound text (reserved words, macros, literals), in the order nodes complete. */
  problems: ExprProblem[];
  /** The id the next node gets; nodes built so far are `nextId - 1`. */
  nextId: number;
  /** Forget the last parse's problems and ids. */
  resetAst(): void;
}

/** A node-shaped value returned while chevrotain records the grammar; never part of a real AST. */
const RECORDING: Expr = { kind: "literal", value: null, id: 0, start: -1, end: -1 };

// The options given to CONSUME and SUBRULE, made once (an object literal in a rule would be garbage per call).
const ABS_DOT = { LABEL: "absDot" };
const LITERAL = { LABEL: "literal" };
const MEMBER = { LABEL: "member" };
const MEMBER_ARGS = { LABEL: "memberArgs" };
const INDEX_OPEN = { LABEL: "indexOpen" };
const INDEX = { LABEL: "index" };
const INDEX_CLOSE = { LABEL: "indexClose" };

function endOf(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

/** Which token types start each hot-path production, by token type index (categories expanded by chevrotain). */
interface Decisions {
  /** `!` or `-` before an operand. */
  prefix: Uint8Array;
  /** An operator of a row (the BinOp category). */
  binOp: Uint8Array;
  /** The primary alternative a token starts, plus one (0: none; the OR then reports the error). */
  primary: Uint8Array;
  /** A token that can start an expression (an argument list that is not empty). */
  exprStart: Uint8Array;
}

/** The lookahead tables, from the token types' own category matching (chevrotain's tokenMatcher). */
function buildDecisions(chev: ChevrotainModule, tk: Tokens): Decisions {
  const types = [...tk.all, chev.EOF];
  const size = Math.max(...types.map((t) => t.tokenTypeIdx as number)) + 1;
  const table = (of: TokenType[], value = 1): Uint8Array => {
    const out = new Uint8Array(size);
    for (const t of types) {
      const token = { tokenTypeIdx: t.tokenTypeIdx, tokenType: t } as IToken;
      if (of.some((c) => chev.tokenMatcher(token, c))) out[t.tokenTypeIdx as number] = value;
    }
    return out;
  };
  // The primary alternatives in the order of primaryAlternatives().
  const primary = new Uint8Array(size);
  const firsts: TokenType[][] = [
    [tk.Dot, tk.Identifier],
    [tk.LParen],
    [tk.LBracket],
    [tk.LBrace],
    [tk.Literal],
  ];
  firsts.forEach((of, i) => {
    const t = table(of, i + 1);
    for (let k = 0; k < size; k++) if (t[k] && !primary[k]) primary[k] = t[k] as number;
  });
  const prefix = table([tk.PrefixOp]);
  const exprStart = new Uint8Array(size);
  for (let k = 0; k < size; k++) exprStart[k] = primary[k] || prefix[k] ? 1 : 0;
  return { prefix, binOp: table([tk.BinOp]), primary, exprStart };
}

/** How far the parser looks ahead: trailing commas in list and map literals need a second token. */
export const MAX_LOOKAHEAD = 2;

/**
 * Build the one parser instance (called once, after chevrotain is loaded); `validate` runs the grammar checks.
 * Its lookahead comes from the committed table (lookahead-table.ts); `lookahead: "computed"` has chevrotain
 * analyse the grammar instead, which is how that table is made and checked.
 */
export function buildGrammar(
  chev: ChevrotainModule,
  tk: Tokens,
  { validate = true, lookahead = "table" }: { validate?: boolean; lookahead?: "table" | "computed" } = {},
): CelGrammar {
  // Binding strength and CEL function by token type index, so folding an operator row reads arrays.
  const precedence: number[] = [];
  const fnOf: string[] = [];
  const byName = tk as unknown as Record<string, TokenType>;
  for (const [name, p] of Object.entries(PRECEDENCE)) precedence[byName[name]?.tokenTypeIdx as number] = p;
  for (const [name, fn] of Object.entries(REL_FN)) fnOf[byName[name]?.tokenTypeIdx as number] = fn;
  const prec = (op: IToken) => precedence[op.tokenTypeIdx] as number;
  const { prefix: isPrefix, binOp: isBinOp, primary: primaryOf, exprStart } = buildDecisions(chev, tk);
  const DOT = tk.Dot.tokenTypeIdx as number;
  const LBRACKET = tk.LBracket.tokenTypeIdx as number;
  const LPAREN = tk.LParen.tokenTypeIdx as number;
  const QUESTION = tk.Question.tokenTypeIdx as number;
  const COMMA = tk.Comma.tokenTypeIdx as number;

  class Grammar extends chev.EmbeddedActionsParser implements CelGrammar {
    problems: ExprProblem[] = [];
    nextId = 1;
    // Handed between a rule and the alternatives it calls (cached closures cannot see the rule's locals); each is
    // read before anything nested can set it again.
    /** The operand's prefixes allow a number literal to take the minus (set before its primary is chosen). */
    private negatable = false;
    /** The literal just built took the innermost minus. */
    private negated = false;
    /** The operand a suffix applies to, and the result after it. */
    private acc: Expr = RECORDING;
    /** Where the last argument list's ")" ends. */
    private argsEnd = 0;
    /** The prefix operators of the operands being parsed, innermost last (each operand takes its own off). */
    private prefixes: IToken[] = [];
    /** Operands and operators of the rows being folded, innermost row on top (each row takes its own off). */
    private operands: Expr[] = [];
    private operators: IToken[] = [];
    /** Where the innermost row's operators start in `operators`. */
    private opBase = 0;
    /** Elements of the argument lists and list literals being parsed, innermost on top. */
    private items: Expr[] = [];
    /** The test of the conditional whose `? :` is being parsed (read before anything nested sets it again). */
    private condTest: Expr = RECORDING;
    // The bodies of the rules' options and loops, made once (a closure per rule call would be garbage at once);
    // what they build goes through the fields above or their return value.
    private prefix = (): void => {
      this.prefixes.push(this.CONSUME(tk.PrefixOp));
    };
    private suffix = (): void => this.OR2(this.suffixAlts as IOrAlt<void>[]);
    /** The next token's type index (chevrotain's EOF past the end). */
    private next(): number {
      return this.LA(1).tokenTypeIdx;
    }
    private ternary = (): Expr | undefined => {
      const test = this.condTest;
      this.CONSUME(tk.Question);
      const then = this.SUBRULE(this.binary);
      this.CONSUME(tk.Colon);
      const otherwise = this.SUBRULE(this.expr);
      if (this.RECORDING_PHASE) return undefined;
      return {
        kind: "cond",
        test,
        then,
        otherwise,
        id: this.nextId++,
        start: test.start,
        end: otherwise.end,
      };
    };
    private chainStep = (): void => {
      const op = this.CONSUME(tk.BinOp);
      const recording = this.RECORDING_PHASE;
      if (!recording) {
        const out = this.operands;
        const ops = this.operators;
        const base = this.opBase;
        const p = prec(op);
        while (ops.length > base && prec(ops[ops.length - 1] as IToken) >= p) this.apply(out, ops);
        ops.push(op);
      }
      const right = this.SUBRULE2(this.operand);
      if (!recording) this.operands.push(right);
    };
    private absDot = (): IToken => this.CONSUME(tk.Dot, ABS_DOT);
    private identArgs = (): Expr[] => this.SUBRULE(this.callArgs);
    private memberArgs = (): Expr[] => this.SUBRULE2(this.callArgs, MEMBER_ARGS);
    private firstItem = (): void => {
      this.items.push(this.SUBRULE(this.expr));
      if (this.RECORDING_PHASE) this.MANY(this.nextItem);
      else while (this.next() === COMMA) this.nextItem();
    };
    private nextItem = (): void => {
      this.CONSUME(tk.Comma);
      this.items.push(this.SUBRULE2(this.expr));
    };
    private listItems = (): void => {
      this.items.push(this.SUBRULE(this.expr));
      this.MANY(this.nextItem);
      this.OPTION2(this.trailingComma);
    };
    private trailingComma = (): IToken => this.CONSUME2(tk.Comma);
    // Alternatives of each OR, built on first use and reused (chevrotain's "caching arrays of alternatives").
    private primaryAlts: IOrAlt<Expr>[] | undefined = undefined;
    private suffixAlts: IOrAlt<void>[] | undefined = undefined;

    constructor() {
      super(tk.all, {
        maxLookahead: MAX_LOOKAHEAD,
        skipValidations: !validate,
        ...(lookahead === "table"
          ? { lookaheadStrategy: tableLookahead(chev, tk.all, MAX_LOOKAHEAD, LOOKAHEAD_TABLE) }
          : {}),
      });
      this.performSelfAnalysis();
    }

    resetAst(): void {
      if (this.problems.length > 0) this.problems = [];
      this.nextId = 1;
      this.negated = false;
      // A parse that failed may have left its rows and lists behind (one that succeeded took everything off).
      if (this.prefixes.length > 0) this.prefixes.length = 0;
      if (this.operands.length > 0) this.operands.length = 0;
      if (this.operators.length > 0) this.operators.length = 0;
      if (this.items.length > 0) this.items.length = 0;
      this.opBase = 0;
    }

    /** The items pushed since `base`, taken off the stack. */
    private takeItems(base: number): Expr[] {
      const items = this.items;
      if (items.length === base) return [];
      const taken = items.slice(base);
      items.length = base;
      return taken;
    }

    private problem(code: ExprProblem["code"], message: string, start: number, end: number): void {
      this.problems.push({ code, message, start, end });
    }

    expr: ParserMethod<[], Expr> = this.RULE("expr", (): Expr => {
      const test = this.chain();
      this.condTest = test;
      if (this.RECORDING_PHASE) return this.OPTION(this.ternary) ?? test;
      return this.next() === QUESTION ? (this.ternary() as Expr) : test;
    });

    binary: ParserMethod<[], Expr> = this.RULE("binary", (): Expr => this.chain());

    /**
     * Operands and operators in a row, folded by CEL precedence as they come (all operators associate to the
     * left): before the next operand is parsed, every pending operator that binds at least as tightly is applied.
     */
    private chain(): Expr {
      const first = this.SUBRULE(this.operand);
      if (this.RECORDING_PHASE) {
        this.MANY(this.chainStep);
        return first;
      }
      const out = this.operands;
      const ops = this.operators;
      const outer = this.opBase;
      const base = ops.length;
      this.opBase = base;
      out.push(first);
      while (isBinOp[this.next()]) this.chainStep();
      while (ops.length > base) this.apply(out, ops);
      this.opBase = outer;
      return out.pop() as Expr;
    }

    /** Apply the last pending operator to the last two operands. */
    private apply(out: Expr[], ops: IToken[]): void {
      const right = out.pop() as Expr;
      const left = out.pop() as Expr;
      const op = ops.pop() as IToken;
      const type = op.tokenType;
      if (type === tk.OrOr || type === tk.AndAnd) {
        const kind = type === tk.OrOr ? "or" : "and";
        out.push({ kind, left, right, id: this.nextId++, start: left.start, end: right.end });
        return;
      }
      out.push({
        kind: "call",
        fn: fnOf[op.tokenTypeIdx] as string,
        args: [left, right],
        id: this.nextId++,
        start: left.start,
        end: right.end,
        fnStart: op.startOffset,
      });
    }

    /** Prefix operators, a primary and its suffixes; `-` before a number literal with no suffix negates it. */
    operand: ParserMethod<[], Expr> = this.RULE("operand", (): Expr => {
      const stack = this.prefixes;
      const base = stack.length;
      const recording = this.RECORDING_PHASE;
      if (recording) this.MANY(this.prefix);
      else while (isPrefix[this.next()]) this.prefix();
      const count = stack.length - base;
      const bang = count > 0 && !recording && (stack[base] as IToken).tokenType === tk.Bang;
      if (count > 1 && !recording) {
        for (let i = base + 1; i < stack.length; i++) {
          const t = stack[i] as IToken;
          if ((t.tokenType === tk.Bang) === bang) continue;
          this.problem(
            "expr-syntax",
            "'!' and '-' cannot be mixed in a row; add parentheses, e.g. -(!x)",
            t.startOffset,
            t.startOffset + 1,
          );
          break;
        }
      }
      this.negatable = count > 0 && !bang;
      this.primaryAlts ??= this.primaryAlternatives();
      const alt = recording ? 0 : (primaryOf[this.next()] as number);
      // No alternative fits: the OR raises chevrotain's error.
      const primary =
        alt === 0 ? this.OR(this.primaryAlts) : (this.primaryAlts[alt - 1] as IOrAlt<Expr>).ALT();
      const negated = this.negated;
      this.negated = false;
      this.acc = primary;
      this.suffixAlts ??= this.suffixAlternatives();
      if (recording) {
        this.MANY2(this.suffix);
        return RECORDING;
      }
      for (let t = this.next(); t === DOT || t === LBRACKET; t = this.next())
        (this.suffixAlts[t === DOT ? 0 : 1] as IOrAlt<void>).ALT();
      let operand = this.acc;
      if (count === 0) return operand;
      // Nested operands have taken their own prefixes off the stack: this operand's are on top again.
      let n = negated ? count - 1 : count;
      if (negated) operand.start = (stack[base + n] as IToken).startOffset;
      const fn = bang ? "!_" : "-_";
      while (n > 0) {
        const start = (stack[base + --n] as IToken).startOffset;
        operand = {
          kind: "call",
          fn,
          args: [operand],
          id: this.nextId++,
          start,
          end: operand.end,
          fnStart: start,
        };
      }
      stack.length = base;
      return operand;
    });

    private primaryAlternatives(): IOrAlt<Expr>[] {
      return [
        {
          ALT: () => {
            const recording = this.RECORDING_PHASE;
            const dot = recording
              ? this.OPTION(this.absDot)
              : this.next() === DOT
                ? this.absDot()
                : undefined;
            const name = this.CONSUME(tk.Identifier);
            if (!this.RECORDING_PHASE && RESERVED.has(name.image))
              this.problem(
                "reserved-word",
                `'${name.image}' is a reserved word in expressions; choose another name`,
                name.startOffset,
                endOf(name),
              );
            if (recording) {
              this.OPTION2(this.identArgs);
              return RECORDING;
            }
            const args = this.next() === LPAREN ? this.identArgs() : undefined;
            return this.identOrCall(name, dot, args);
          },
        },
        {
          ALT: () => {
            this.CONSUME(tk.LParen);
            const inner = this.SUBRULE(this.expr);
            this.CONSUME(tk.RParen);
            return inner;
          },
        },
        { ALT: () => this.SUBRULE(this.listLiteral) },
        { ALT: () => this.SUBRULE(this.mapLiteral) },
        {
          ALT: () => {
            const tok = this.CONSUME(tk.Literal, LITERAL);
            if (this.RECORDING_PHASE) return RECORDING;
            // The operand's innermost minus belongs to a number literal that no suffix follows (`-1`, not `-1[0]`).
            const type = tok.tokenType;
            const next = this.LA(1).tokenType;
            const negated =
              this.negatable &&
              (type === tk.IntLit || type === tk.FloatLit) &&
              next !== tk.Dot &&
              next !== tk.LBracket;
            this.negated = negated;
            return this.literal(tok, negated);
          },
        },
      ];
    }

    /** `.field`, `.method(args)` and `[index]`, each applied to `acc` in source order. */
    private suffixAlternatives(): IOrAlt<void>[] {
      return [
        {
          ALT: () => {
            this.CONSUME2(tk.Dot);
            const name = this.CONSUME(tk.Name, MEMBER);
            const operand = this.acc;
            if (this.RECORDING_PHASE) {
              this.OPTION3(this.memberArgs);
              return;
            }
            const args = this.next() === LPAREN ? this.memberArgs() : undefined;
            this.acc = args === undefined ? this.select(operand, name) : this.method(operand, name, args);
          },
        },
        {
          ALT: () => {
            this.CONSUME(tk.LBracket, INDEX_OPEN);
            const operand = this.acc;
            const index = this.SUBRULE2(this.expr, INDEX);
            const close = this.CONSUME(tk.RBracket, INDEX_CLOSE);
            if (this.RECORDING_PHASE) return;
            this.acc = {
              kind: "index",
              operand,
              index,
              id: this.nextId++,
              start: operand.start,
              end: endOf(close),
            };
          },
        },
      ];
    }

    /** The arguments; where the ")" ends is left in `argsEnd`. */
    callArgs: ParserMethod<[], Expr[]> = this.RULE("callArgs", (): Expr[] => {
      this.CONSUME(tk.LParen);
      const base = this.items.length;
      if (this.RECORDING_PHASE) this.OPTION(this.firstItem);
      else if (exprStart[this.next()]) this.firstItem();
      const close = this.CONSUME(tk.RParen);
      this.argsEnd = endOf(close);
      return this.takeItems(base);
    });

    listLiteral: ParserMethod<[], Expr> = this.RULE("listLiteral", (): Expr => {
      const open = this.CONSUME(tk.LBracket);
      const base = this.items.length;
      this.OPTION(this.listItems);
      const close = this.CONSUME(tk.RBracket);
      const elems = this.takeItems(base);
      if (this.RECORDING_PHASE) return RECORDING;
      return { kind: "list", elems, id: this.nextId++, start: open.startOffset, end: endOf(close) };
    });

    mapLiteral: ParserMethod<[], Expr> = this.RULE("mapLiteral", (): Expr => {
      const open = this.CONSUME(tk.LBrace);
      const entries: { key: Expr; value: Expr }[] = [];
      this.OPTION(() => {
        entries.push(this.SUBRULE(this.mapEntry));
        this.MANY(() => {
          this.CONSUME(tk.Comma);
          entries.push(this.SUBRULE2(this.mapEntry));
        });
        this.OPTION2(() => this.CONSUME2(tk.Comma));
      });
      const close = this.CONSUME(tk.RBrace);
      if (this.RECORDING_PHASE) return RECORDING;
      return { kind: "map", entries, id: this.nextId++, start: open.startOffset, end: endOf(close) };
    });

    mapEntry: ParserMethod<[], { key: Expr; value: Expr }> = this.RULE("mapEntry", () => {
      const key = this.SUBRULE(this.expr);
      this.CONSUME(tk.Colon);
      const value = this.SUBRULE2(this.expr);
      return { key, value };
    });

    private select(operand: Expr, nameTok: IToken): Expr {
      const name = nameTok.tokenType === tk.QuotedIdent ? nameTok.image.slice(1, -1) : nameTok.image;
      return {
        kind: "select",
        operand,
        field: name,
        fieldStart: nameTok.startOffset,
        id: this.nextId++,
        start: operand.start,
        end: endOf(nameTok),
      };
    }

    private method(operand: Expr, nameTok: IToken, args: Expr[]): Expr {
      const quoted = nameTok.tokenType === tk.QuotedIdent;
      const name = quoted ? nameTok.image.slice(1, -1) : nameTok.image;
      const end = this.argsEnd;
      if (quoted)
        this.problem(
          "expr-syntax",
          "a quoted name cannot be called; remove the backticks",
          nameTok.startOffset,
          endOf(nameTok),
        );
      const macro = COMPREHENSIONS[name];
      if (macro?.arities.includes(args.length)) return this.comprehension(macro.macro, operand, args, end);
      return {
        kind: "call",
        fn: name,
        target: operand,
        args,
        id: this.nextId++,
        start: operand.start,
        end,
        fnStart: nameTok.startOffset,
      };
    }

    private comprehension(macro: ComprehensionMacro, range: Expr, args: Expr[], end: number): Expr {
      const two = args.length === 3 && macro !== "map";
      const vars = two ? args.slice(0, 2) : args.slice(0, 1);
      const names: string[] = [];
      for (const v of vars) {
        if (v.kind !== "ident" || v.absolute) {
          this.problem(
            "expr-syntax",
            `the first argument of ${macro}() must be a variable name, e.g. x in ${macro}(x, ...)`,
            v.start,
            v.end,
          );
          names.push("_");
        } else names.push(v.name);
      }
      const base = {
        kind: "comprehension" as const,
        macro,
        range,
        iterVar: names[0] as string,
        id: this.nextId++,
        start: range.start,
        end,
      };
      if (two) return { ...base, iterVar2: names[1] as string, body: args[2] as Expr };
      if (args.length === 3) return { ...base, filter: args[1] as Expr, body: args[2] as Expr };
      return { ...base, body: args[1] as Expr };
    }

    private identOrCall(nameTok: IToken, dot: IToken | undefined, args: Expr[] | undefined): Expr {
      const name = nameTok.image;
      const start = dot ? dot.startOffset : nameTok.startOffset;
      if (args === undefined)
        return { kind: "ident", name, absolute: !!dot, id: this.nextId++, start, end: endOf(nameTok) };
      const end = this.argsEnd;
      if (name === "has" && !dot) {
        const arg = args[0];
        if (args.length !== 1 || arg?.kind !== "select") {
          this.problem("expr-syntax", "has() takes one field selection, e.g. has(x.field)", start, end);
          return { kind: "literal", value: false, id: this.nextId++, start, end };
        }
        return {
          kind: "has",
          operand: arg.operand,
          field: arg.field,
          fieldStart: arg.fieldStart,
          id: this.nextId++,
          start,
          end,
        };
      }
      const call: CallExpr = {
        kind: "call",
        fn: dot ? `.${name}` : name,
        args,
        id: this.nextId++,
        start,
        end,
        fnStart: nameTok.startOffset,
      };
      return call;
    }

    private literal(tok: IToken, negated: boolean): Expr {
      const start = tok.startOffset;
      const end = endOf(tok);
      const text = tok.image;
      let value: LiteralValue;
      switch (tok.tokenType) {
        case tk.True:
          value = true;
          break;
        case tk.False:
          value = false;
          break;
        case tk.Null:
          value = null;
          break;
        case tk.FloatLit:
          value = negated ? -Number(text) : Number(text);
          break;
        default: {
          const d =
            tok.tokenType === tk.IntLit
              ? decodeInt(text, negated)
              : tok.tokenType === tk.UintLit
                ? decodeUint(text)
                : decodeQuoted(text);
          if (!d.ok) {
            this.problem("expr-syntax", d.message, start + d.at, start + d.at + d.length);
            value = null;
          } else value = d.value;
        }
      }
      return { kind: "literal", value, id: this.nextId++, start, end };
    }
  }
  return new Grammar();
}
