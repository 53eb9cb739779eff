// The CST visitor: turns chevrotain's concrete syntax tree into the expression AST, expanding macros.
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { CallExpr, ComprehensionMacro, Expr, ExprProblem, LiteralValue } from "./ast.js";
import type { CelGrammar } from "./grammar.js";
import { decodeInt, decodeQuoted, decodeUint } from "./literals.js";
import { COMPREHENSIONS, PRECEDENCE, REL_FN, RESERVED } from "./syntax-tables.js";
import type { Tokens } from "./tokens.js";

type Children = Record<string, CstElement[] | undefined>;

function endOf(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

/** The visitor class is built once per grammar, because chevrotain loads lazily. */
export function buildVisitor(parser: CelGrammar, tk: Tokens) {
  const Base = parser.getBaseCstVisitorConstructor();

  class AstBuilder extends Base {
    problems: ExprProblem[] = [];
    nextId = 1;

    constructor() {
      super();
      this.validateVisitor();
    }

    reset(): void {
      this.problems = [];
      this.nextId = 1;
    }

    nodes(c: Children, name: string): CstNode[] {
      return (c[name] ?? []) as CstNode[];
    }
    toks(c: Children, name: string): IToken[] {
      return (c[name] ?? []) as IToken[];
    }
    /**
     * The children of sub-node `name` [i]. Where the rule is known, methods call each other directly instead
     * of through `visit` (its by-name dispatch is the visitor's largest cost).
     */
    kid(c: Children, name: string, i = 0): Children {
      return (this.nodes(c, name)[i] as CstNode).children as Children;
    }
    id(): number {
      return this.nextId++;
    }
    problem(code: ExprProblem["code"], message: string, start: number, end: number): void {
      this.problems.push({ code, message, start, end });
    }
    binary2(fn: string, left: Expr, right: Expr): Expr {
      return {
        kind: "call",
        fn,
        args: [left, right],
        id: this.id(),
        start: left.start,
        end: right.end,
        fnStart: left.end,
      };
    }

    expr(c: Children): Expr {
      const test = this.binary(this.kid(c, "binary", 0));
      if (!c.Question) return test;
      const then = this.binary(this.kid(c, "binary", 1));
      const otherwise = this.expr(this.kid(c, "expr"));
      return { kind: "cond", test, then, otherwise, id: this.id(), start: test.start, end: otherwise.end };
    }

    /** Operands and operators in a row, folded by CEL precedence (all operators associate to the left). */
    binary(c: Children): Expr {
      const operands = this.nodes(c, "unary");
      const ops = this.toks(c, "BinOp");
      const out: Expr[] = [this.unary((operands[0] as CstNode).children as Children)];
      if (ops.length === 0) return out[0] as Expr;
      const stack: IToken[] = [];
      const reduce = () => {
        const op = stack.pop() as IToken;
        const right = out.pop() as Expr;
        const left = out.pop() as Expr;
        out.push(this.combine(op, left, right));
      };
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i] as IToken;
        const p = PRECEDENCE[op.tokenType.name] as number;
        while (
          stack.length > 0 &&
          (PRECEDENCE[(stack[stack.length - 1] as IToken).tokenType.name] as number) >= p
        )
          reduce();
        stack.push(op);
        out.push(this.unary((operands[i + 1] as CstNode).children as Children));
      }
      while (stack.length > 0) reduce();
      return out[0] as Expr;
    }

    combine(op: IToken, left: Expr, right: Expr): Expr {
      const name = op.tokenType.name;
      if (name === "OrOr" || name === "AndAnd") {
        return {
          kind: name === "OrOr" ? "or" : "and",
          left,
          right,
          id: this.id(),
          start: left.start,
          end: right.end,
        };
      }
      const call = this.binary2(REL_FN[name] as string, left, right) as CallExpr;
      call.fnStart = op.startOffset;
      return call;
    }

    unary(c: Children): Expr {
      const prefix = this.toks(c, "PrefixOp");
      const memberNode = this.nodes(c, "member")[0] as CstNode;
      if (prefix.length === 0) return this.member(memberNode.children as Children);
      const bang = prefix[0]?.tokenType === tk.Bang;
      const mixed = prefix.find((t) => (t.tokenType === tk.Bang) !== bang);
      if (mixed)
        this.problem(
          "expr-syntax",
          "'!' and '-' cannot be mixed in a row; add parentheses, e.g. -(!x)",
          mixed.startOffset,
          mixed.startOffset + 1,
        );
      let count = prefix.length;
      let operand: Expr;
      const lit = bang ? undefined : this.negatableLiteral(memberNode);
      if (lit) {
        operand = this.literalToken(lit, true);
        operand.start = (prefix[count - 1] as IToken).startOffset;
        count--;
      } else {
        operand = this.member(memberNode.children as Children);
      }
      const fn = bang ? "!_" : "-_";
      for (let i = count - 1; i >= 0; i--) {
        const tok = prefix[i] as IToken;
        operand = {
          kind: "call",
          fn,
          args: [operand],
          id: this.id(),
          start: tok.startOffset,
          end: operand.end,
          fnStart: tok.startOffset,
        };
      }
      return operand;
    }

    /** The int or double literal token of a member with no suffix, which a leading minus folds into. */
    negatableLiteral(member: CstNode): IToken | undefined {
      const mc = member.children as Children;
      if (mc.memberSuffix) return undefined;
      const pc = this.nodes(mc, "primary")[0]?.children as Children;
      return this.toks(pc, "IntLit")[0] ?? this.toks(pc, "FloatLit")[0];
    }

    member(c: Children): Expr {
      let acc = this.primary(this.kid(c, "primary"));
      for (const s of this.nodes(c, "memberSuffix")) acc = this.suffix(acc, s.children as Children);
      return acc;
    }
    memberSuffix(): never {
      throw new Error("memberSuffix is visited through member");
    }

    suffix(operand: Expr, c: Children): Expr {
      const close = this.toks(c, "RBracket")[0];
      if (close) {
        const index = this.expr(this.kid(c, "expr"));
        return { kind: "index", operand, index, id: this.id(), start: operand.start, end: endOf(close) };
      }
      const nameTok = (this.toks(c, "Identifier")[0] ?? this.toks(c, "QuotedIdent")[0]) as IToken;
      const quoted = nameTok.tokenType === tk.QuotedIdent;
      const name = quoted ? nameTok.image.slice(1, -1) : nameTok.image;
      const argsNode = this.nodes(c, "callArgs")[0];
      if (!argsNode) {
        return {
          kind: "select",
          operand,
          field: name,
          fieldStart: nameTok.startOffset,
          id: this.id(),
          start: operand.start,
          end: endOf(nameTok),
        };
      }
      const args = this.args(argsNode);
      const end = this.closeOf(argsNode);
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
        id: this.id(),
        start: operand.start,
        end,
        fnStart: nameTok.startOffset,
      };
    }

    comprehension(macro: ComprehensionMacro, range: Expr, args: Expr[], end: number): Expr {
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
        id: this.id(),
        start: range.start,
        end,
      };
      if (two) return { ...base, iterVar2: names[1] as string, body: args[2] as Expr };
      if (args.length === 3) return { ...base, filter: args[1] as Expr, body: args[2] as Expr };
      return { ...base, body: args[1] as Expr };
    }

    closeOf(args: CstNode): number {
      return endOf(this.toks(args.children as Children, "RParen")[0] as IToken);
    }
    args(node: CstNode): Expr[] {
      return this.nodes(node.children as Children, "expr").map((e) => this.expr(e.children as Children));
    }
    callArgs(): never {
      throw new Error("callArgs is visited through its parent");
    }

    primary(c: Children): Expr {
      if (c.Identifier) return this.identOrCall(c);
      if (c.listLiteral) return this.listLiteral(this.kid(c, "listLiteral"));
      if (c.mapLiteral) return this.mapLiteral(this.kid(c, "mapLiteral"));
      if (c.expr) return this.expr(this.kid(c, "expr"));
      // A literal: the one token the node holds.
      let tok: IToken | undefined;
      for (const k in c) {
        tok = c[k]?.[0] as IToken;
        break;
      }
      return this.literalToken(tok as IToken, false);
    }

    identOrCall(c: Children): Expr {
      const dot = this.toks(c, "Dot")[0];
      const nameTok = this.toks(c, "Identifier")[0] as IToken;
      const name = nameTok.image;
      const start = dot ? dot.startOffset : nameTok.startOffset;
      if (RESERVED.has(name)) {
        this.problem(
          "reserved-word",
          `'${name}' is a reserved word in expressions; choose another name`,
          nameTok.startOffset,
          endOf(nameTok),
        );
      }
      const argsNode = this.nodes(c, "callArgs")[0];
      if (!argsNode)
        return { kind: "ident", name, absolute: !!dot, id: this.id(), start, end: endOf(nameTok) };
      const args = this.args(argsNode);
      const end = this.closeOf(argsNode);
      if (name === "has" && !dot) {
        const arg = args[0];
        if (args.length !== 1 || arg?.kind !== "select") {
          this.problem("expr-syntax", "has() takes one field selection, e.g. has(x.field)", start, end);
          return { kind: "literal", value: false, id: this.id(), start, end };
        }
        return {
          kind: "has",
          operand: arg.operand,
          field: arg.field,
          fieldStart: arg.fieldStart,
          id: this.id(),
          start,
          end,
        };
      }
      return {
        kind: "call",
        fn: dot ? `.${name}` : name,
        args,
        id: this.id(),
        start,
        end,
        fnStart: nameTok.startOffset,
      };
    }

    listLiteral(c: Children): Expr {
      const open = this.toks(c, "LBracket")[0] as IToken;
      const close = this.toks(c, "RBracket")[0] as IToken;
      const elems = this.nodes(c, "expr").map((e) => this.expr(e.children as Children));
      return { kind: "list", elems, id: this.id(), start: open.startOffset, end: endOf(close) };
    }

    mapLiteral(c: Children): Expr {
      const open = this.toks(c, "LBrace")[0] as IToken;
      const close = this.toks(c, "RBrace")[0] as IToken;
      const entries = this.nodes(c, "mapEntry").map((n) => {
        const ec = n.children as Children;
        return { key: this.expr(this.kid(ec, "expr", 0)), value: this.expr(this.kid(ec, "expr", 1)) };
      });
      return { kind: "map", entries, id: this.id(), start: open.startOffset, end: endOf(close) };
    }
    mapEntry(): never {
      throw new Error("mapEntry is visited through mapLiteral");
    }

    literalToken(tok: IToken, negated: boolean): Expr {
      const start = tok.startOffset;
      const end = endOf(tok);
      const mk = (value: LiteralValue): Expr => ({ kind: "literal", value, id: this.id(), start, end });
      const text = tok.image;
      switch (tok.tokenType) {
        case tk.True:
          return mk(true);
        case tk.False:
          return mk(false);
        case tk.Null:
          return mk(null);
        case tk.FloatLit:
          return mk(negated ? -Number(text) : Number(text));
      }
      const d =
        tok.tokenType === tk.IntLit
          ? decodeInt(text, negated)
          : tok.tokenType === tk.UintLit
            ? decodeUint(text)
            : decodeQuoted(text);
      if (!d.ok) {
        this.problem("expr-syntax", d.message, start + d.at, start + d.at + d.length);
        return mk(null);
      }
      return mk(d.value);
    }
  }
  return new AstBuilder();
}
