// The expression parser: recursive descent over the lexer's token arrays, building the AST (macros expanded,
// CEL precedence applied) in one pass. Grammar, in the order its choices are made (each by the next token, a
// list's or map's trailing comma by the next two):
//   Expr    = Binary ["?" Binary ":" Expr]
//   Binary  = Operand {BinOp Operand}                  folded by precedence, all operators left-associative
//   Operand = {"!" | "-"} Primary {"." Name [Args] | "[" Expr "]"}
//   Primary = ["."] Ident [Args] | "(" Expr ")" | "[" [Expr {"," Expr} [","]] "]"
//           | "{" [Entry {"," Entry} [","]] "}" | Literal
//   Args    = "(" [Expr {"," Expr}] ")"               Entry = Expr ":" Expr
// Node ids are given as nodes complete (children first), and problems are listed in the order nodes complete.
import type { CallExpr, ComprehensionMacro, Expr, ExprProblem, LiteralValue } from "./ast.js";
import { isBinOp, isLiteral, K, KIND_NAMES, type Lexed } from "./lexer.js";
import { decodeInt, decodeQuoted, decodeUint } from "./literals.js";
import { COMPREHENSIONS, PRECEDENCE, REL_FN, RESERVED } from "./syntax-tables.js";

/** A syntax error: the token where parsing stopped and the token kind that was expected there, if one was. */
export class SyntaxStop {
  constructor(
    readonly token: number,
    readonly expected: string | undefined,
  ) {}
}

/** Binding strength and CEL function of each binary operator kind. */
const PREC: number[] = [];
const FN: string[] = [];
for (const [name, p] of Object.entries(PRECEDENCE)) PREC[K[name as keyof typeof K]] = p;
for (const [name, fn] of Object.entries(REL_FN)) FN[K[name as keyof typeof K]] = fn;

/** The kinds an expression can start with. */
function startsExpr(k: number): boolean {
  return (
    isLiteral(k) ||
    k === K.Ident ||
    k === K.Dot ||
    k === K.Bang ||
    k === K.Minus ||
    k === K.LParen ||
    k === K.LBracket ||
    k === K.LBrace
  );
}

/** One parse of one text; `problems` are those found in a syntactically sound text (reserved words, macros …). */
export class Descent {
  problems: ExprProblem[] = [];
  nextId = 1;
  private pos = 0;
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly count: number;

  constructor(
    private readonly text: string,
    lexed: Lexed,
  ) {
    this.kinds = lexed.kinds;
    this.starts = lexed.starts;
    this.ends = lexed.ends;
    this.count = lexed.count;
  }

  /** The whole text as one expression; throws SyntaxStop at the first token that does not fit. */
  parse(): Expr {
    const e = this.expr();
    if (this.pos < this.count) throw new SyntaxStop(this.pos, undefined);
    return e;
  }

  private la(offset = 0): number {
    const i = this.pos + offset;
    return i < this.count ? (this.kinds[i] as number) : K.EOF;
  }

  private expect(kind: number): number {
    if (this.la() !== kind) throw new SyntaxStop(this.pos, KIND_NAMES[kind]);
    return this.pos++;
  }

  private image(t: number): string {
    return this.text.slice(this.starts[t], this.ends[t]);
  }

  private problem(code: ExprProblem["code"], message: string, start: number, end: number): void {
    this.problems.push({ code, message, start, end });
  }

  private expr(): Expr {
    const test = this.binary();
    if (this.la() !== K.Question) return test;
    this.pos++;
    const then = this.binary();
    this.expect(K.Colon);
    const otherwise = this.expr();
    return { kind: "cond", test, then, otherwise, id: this.nextId++, start: test.start, end: otherwise.end };
  }

  /** Operands and operators in a row, folded by precedence as they come (an operator stack). */
  private binary(): Expr {
    const first = this.operand();
    if (!isBinOp(this.la())) return first;
    const out: Expr[] = [first];
    const ops: number[] = [];
    while (isBinOp(this.la())) {
      const op = this.pos++;
      const p = PREC[this.kinds[op] as number] as number;
      while (ops.length > 0 && (PREC[this.kinds[ops[ops.length - 1] as number] as number] as number) >= p) {
        const right = out.pop() as Expr;
        out.push(this.combine(ops.pop() as number, out.pop() as Expr, right));
      }
      ops.push(op);
      out.push(this.operand());
    }
    while (ops.length > 0) {
      const right = out.pop() as Expr;
      out.push(this.combine(ops.pop() as number, out.pop() as Expr, right));
    }
    return out[0] as Expr;
  }

  private combine(op: number, left: Expr, right: Expr): Expr {
    const kind = this.kinds[op];
    if (kind === K.OrOr || kind === K.AndAnd) {
      return {
        kind: kind === K.OrOr ? "or" : "and",
        left,
        right,
        id: this.nextId++,
        start: left.start,
        end: right.end,
      };
    }
    return {
      kind: "call",
      fn: FN[kind as number] as string,
      args: [left, right],
      id: this.nextId++,
      start: left.start,
      end: right.end,
      fnStart: this.starts[op] as number,
    };
  }

  /** Prefix operators, a primary and its suffixes; `-` before a number literal with no suffix negates it. */
  private operand(): Expr {
    const first = this.pos;
    while (this.la() === K.Bang || this.la() === K.Minus) this.pos++;
    let count = this.pos - first;
    if (count === 0) return this.suffixes(this.primary());
    const bang = this.kinds[first] === K.Bang;
    for (let t = first + 1; t < this.pos; t++) {
      if ((this.kinds[t] === K.Bang) !== bang) {
        const at = this.starts[t] as number;
        this.problem(
          "expr-syntax",
          "'!' and '-' cannot be mixed in a row; add parentheses, e.g. -(!x)",
          at,
          at + 1,
        );
        break;
      }
    }
    let operand: Expr;
    const lit = this.la();
    const next = this.la(1);
    if (!bang && (lit === K.Int || lit === K.Float) && next !== K.Dot && next !== K.LBracket) {
      operand = this.literal(this.pos++, true);
      operand.start = this.starts[first + count - 1] as number;
      count--;
    } else operand = this.suffixes(this.primary());
    const fn = bang ? "!_" : "-_";
    for (let i = count - 1; i >= 0; i--) {
      const start = this.starts[first + i] as number;
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
    return operand;
  }

  private primary(): Expr {
    const k = this.la();
    if (isLiteral(k)) return this.literal(this.pos++, false);
    switch (k) {
      case K.Dot:
      case K.Ident: {
        const dot = k === K.Dot ? this.pos++ : -1;
        const name = this.expect(K.Ident);
        return this.identOrCall(name, dot);
      }
      case K.LParen: {
        this.pos++;
        const e = this.expr();
        this.expect(K.RParen);
        return e;
      }
      case K.LBracket:
        return this.list();
      case K.LBrace:
        return this.map();
      default:
        throw new SyntaxStop(this.pos, undefined);
    }
  }

  /** `.field`, `.method(args)` and `[index]` suffixes, in source order. */
  private suffixes(primary: Expr): Expr {
    let acc = primary;
    for (;;) {
      const k = this.la();
      if (k === K.Dot) {
        this.pos++;
        const nk = this.la();
        if (nk !== K.Ident && nk !== K.QuotedIdent) throw new SyntaxStop(this.pos, "Name");
        const name = this.pos++;
        acc = this.la() === K.LParen ? this.method(acc, name) : this.select(acc, name);
      } else if (k === K.LBracket) {
        this.pos++;
        const index = this.expr();
        const close = this.expect(K.RBracket);
        acc = {
          kind: "index",
          operand: acc,
          index,
          id: this.nextId++,
          start: acc.start,
          end: this.ends[close] as number,
        };
      } else return acc;
    }
  }

  private nameOf(t: number): string {
    const image = this.image(t);
    return this.kinds[t] === K.QuotedIdent ? image.slice(1, -1) : image;
  }

  private select(operand: Expr, t: number): Expr {
    return {
      kind: "select",
      operand,
      field: this.nameOf(t),
      fieldStart: this.starts[t] as number,
      id: this.nextId++,
      start: operand.start,
      end: this.ends[t] as number,
    };
  }

  private method(operand: Expr, t: number): Expr {
    const quoted = this.kinds[t] === K.QuotedIdent;
    const name = this.nameOf(t);
    const [args, end] = this.args();
    if (quoted)
      this.problem(
        "expr-syntax",
        "a quoted name cannot be called; remove the backticks",
        this.starts[t] as number,
        this.ends[t] as number,
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
      fnStart: this.starts[t] as number,
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

  /** `(` [Expr {, Expr}] `)`: the arguments and where the closing parenthesis ends. */
  private args(): [Expr[], number] {
    this.pos++; // (
    const out: Expr[] = [];
    if (startsExpr(this.la())) {
      out.push(this.expr());
      while (this.la() === K.Comma) {
        this.pos++;
        out.push(this.expr());
      }
    }
    const close = this.expect(K.RParen);
    return [out, this.ends[close] as number];
  }

  private identOrCall(t: number, dot: number): Expr {
    const name = this.image(t);
    const start = dot >= 0 ? (this.starts[dot] as number) : (this.starts[t] as number);
    if (RESERVED.has(name))
      this.problem(
        "reserved-word",
        `'${name}' is a reserved word in expressions; choose another name`,
        this.starts[t] as number,
        this.ends[t] as number,
      );
    if (this.la() !== K.LParen)
      return {
        kind: "ident",
        name,
        absolute: dot >= 0,
        id: this.nextId++,
        start,
        end: this.ends[t] as number,
      };
    const [args, end] = this.args();
    if (name === "has" && dot < 0) {
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
      fn: dot >= 0 ? `.${name}` : name,
      args,
      id: this.nextId++,
      start,
      end,
      fnStart: this.starts[t] as number,
    };
    return call;
  }

  /** Elements separated by commas, a trailing comma allowed: a comma continues only before an expression. */
  private items<T>(close: number, item: () => T): [T[], number] {
    const open = this.pos++;
    const out: T[] = [];
    if (startsExpr(this.la())) {
      out.push(item());
      while (this.la() === K.Comma && startsExpr(this.la(1))) {
        this.pos++;
        out.push(item());
      }
      if (this.la() === K.Comma) this.pos++;
    }
    this.expect(close);
    return [out, open];
  }

  private list(): Expr {
    const [elems, open] = this.items(K.RBracket, () => this.expr());
    const end = this.ends[this.pos - 1] as number;
    return { kind: "list", elems, id: this.nextId++, start: this.starts[open] as number, end };
  }

  private map(): Expr {
    const [entries, open] = this.items(K.RBrace, () => {
      const key = this.expr();
      this.expect(K.Colon);
      return { key, value: this.expr() };
    });
    const end = this.ends[this.pos - 1] as number;
    return { kind: "map", entries, id: this.nextId++, start: this.starts[open] as number, end };
  }

  private literal(t: number, negated: boolean): Expr {
    const start = this.starts[t] as number;
    const end = this.ends[t] as number;
    let value: LiteralValue;
    switch (this.kinds[t]) {
      case K.True:
        value = true;
        break;
      case K.False:
        value = false;
        break;
      case K.Null:
        value = null;
        break;
      case K.Float:
        value = negated ? -Number(this.image(t)) : Number(this.image(t));
        break;
      default: {
        const text = this.image(t);
        const kind = this.kinds[t];
        const d =
          kind === K.Int ? decodeInt(text, negated) : kind === K.Uint ? decodeUint(text) : decodeQuoted(text);
        if (!d.ok) {
          this.problem("expr-syntax", d.message, start + d.at, start + d.at + d.length);
          value = null;
        } else value = d.value;
      }
    }
    return { kind: "literal", value, id: this.nextId++, start, end };
  }
}
