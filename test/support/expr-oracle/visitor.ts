// The CST visitor: turns chevrotain's concrete syntax tree into the expression AST, expanding macros.
// It reads each node's children by name directly and calls its own methods for known rules (the generic
// `visit` dispatch by rule name is used only for the root).
import type { CstNode, IToken } from "chevrotain";
import type {
  CallExpr,
  ComprehensionMacro,
  Expr,
  ExprProblem,
  LiteralValue,
} from "../../../src/parser/expr/ast.js";
import { decodeInt, decodeQuoted, decodeUint } from "../../../src/parser/expr/literals.js";
import { COMPREHENSIONS, PRECEDENCE, REL_FN, RESERVED } from "../../../src/parser/expr/syntax-tables.js";
import type { Tokens } from "../../../src/parser/expr/tokens.js";
import type { CelGrammar } from "./grammar.js";

/** The children of the grammar's nodes, by child name (see grammar.ts for the labels). */
interface Children {
  operand?: CstNode[];
  BinOp?: IToken[];
  Question?: IToken[];
  binary?: CstNode[];
  expr?: CstNode[];
  PrefixOp?: IToken[];
  absDot?: IToken[];
  Identifier?: IToken[];
  callArgs?: CstNode[];
  listLiteral?: CstNode[];
  mapLiteral?: CstNode[];
  literal?: IToken[];
  member?: IToken[];
  memberArgs?: CstNode[];
  indexOpen?: IToken[];
  index?: CstNode[];
  indexClose?: IToken[];
  Dot?: IToken[];
  LParen?: IToken[];
  RParen?: IToken[];
  LBracket?: IToken[];
  RBracket?: IToken[];
  LBrace?: IToken[];
  RBrace?: IToken[];
  mapEntry?: CstNode[];
}

const kids = (n: CstNode | undefined): Children => (n as CstNode).children as Children;

function endOf(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

/** The visitor class is built once per grammar, because chevrotain loads lazily. */
export function buildVisitor(parser: CelGrammar, tk: Tokens) {
  const Base = parser.getBaseCstVisitorConstructor();
  // Binding strength by token type index, so folding an operator row reads an array.
  const precedence: number[] = [];
  for (const [name, p] of Object.entries(PRECEDENCE)) {
    const t = (tk as unknown as Record<string, { tokenTypeIdx?: number }>)[name];
    if (t?.tokenTypeIdx !== undefined) precedence[t.tokenTypeIdx] = p;
  }
  const prec = (op: IToken) => precedence[op.tokenTypeIdx] as number;

  class AstBuilder extends Base {
    problems: ExprProblem[] = [];
    nextId = 1;

    constructor() {
      super();
      this.validateVisitor();
    }

    reset(): void {
      if (this.problems.length > 0) this.problems = [];
      this.nextId = 1;
    }

    problem(code: ExprProblem["code"], message: string, start: number, end: number): void {
      this.problems.push({ code, message, start, end });
    }

    expr(c: Children): Expr {
      const test = this.chain(c.operand as CstNode[], c.BinOp);
      if (c.Question === undefined) return test;
      const b = kids(c.binary?.[0]);
      const then = this.chain(b.operand as CstNode[], b.BinOp);
      const otherwise = this.expr(kids(c.expr?.[0]));
      return {
        kind: "cond",
        test,
        then,
        otherwise,
        id: this.nextId++,
        start: test.start,
        end: otherwise.end,
      };
    }
    binary(c: Children): Expr {
      return this.chain(c.operand as CstNode[], c.BinOp);
    }

    /** Operands and operators in a row, folded by CEL precedence (all operators associate to the left). */
    chain(operands: CstNode[], ops: IToken[] | undefined): Expr {
      const first = this.operand(kids(operands[0]));
      if (ops === undefined) return first;
      if (ops.length === 1) return this.combine(ops[0] as IToken, first, this.operand(kids(operands[1])));
      const out: Expr[] = [first];
      const stack: IToken[] = [];
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i] as IToken;
        const p = prec(op);
        while (stack.length > 0 && prec(stack[stack.length - 1] as IToken) >= p) {
          const right = out.pop() as Expr;
          out.push(this.combine(stack.pop() as IToken, out.pop() as Expr, right));
        }
        stack.push(op);
        out.push(this.operand(kids(operands[i + 1])));
      }
      while (stack.length > 0) {
        const right = out.pop() as Expr;
        out.push(this.combine(stack.pop() as IToken, out.pop() as Expr, right));
      }
      return out[0] as Expr;
    }

    combine(op: IToken, left: Expr, right: Expr): Expr {
      const type = op.tokenType;
      if (type === tk.OrOr || type === tk.AndAnd) {
        return {
          kind: type === tk.OrOr ? "or" : "and",
          left,
          right,
          id: this.nextId++,
          start: left.start,
          end: right.end,
        };
      }
      return {
        kind: "call",
        fn: REL_FN[type.name] as string,
        args: [left, right],
        id: this.nextId++,
        start: left.start,
        end: right.end,
        fnStart: op.startOffset,
      };
    }

    /** Prefix operators, a primary and its suffixes. */
    operand(c: Children): Expr {
      const prefix = c.PrefixOp;
      if (prefix === undefined) return this.suffixes(this.primary(c), c);
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
      const lit = c.literal?.[0];
      const negatable =
        !bang &&
        lit !== undefined &&
        c.Dot === undefined &&
        c.indexOpen === undefined &&
        (lit.tokenType === tk.IntLit || lit.tokenType === tk.FloatLit);
      if (negatable) {
        operand = this.literalToken(lit, true);
        operand.start = (prefix[count - 1] as IToken).startOffset;
        count--;
      } else {
        operand = this.suffixes(this.primary(c), c);
      }
      const fn = bang ? "!_" : "-_";
      for (let i = count - 1; i >= 0; i--) {
        const tok = prefix[i] as IToken;
        operand = {
          kind: "call",
          fn,
          args: [operand],
          id: this.nextId++,
          start: tok.startOffset,
          end: operand.end,
          fnStart: tok.startOffset,
        };
      }
      return operand;
    }

    primary(c: Children): Expr {
      const lit = c.literal;
      if (lit !== undefined) return this.literalToken(lit[0] as IToken, false);
      const id = c.Identifier;
      if (id !== undefined) return this.identOrCall(id[0] as IToken, c.absDot?.[0], c.callArgs?.[0]);
      if (c.expr !== undefined) return this.expr(kids(c.expr[0]));
      if (c.listLiteral !== undefined) return this.listLiteral(kids(c.listLiteral[0]));
      return this.mapLiteral(kids(c.mapLiteral?.[0]));
    }

    /** The `.field`, `.method(args)` and `[index]` suffixes of an operand, applied in source order. */
    suffixes(primary: Expr, c: Children): Expr {
      const members = c.member;
      const opens = c.indexOpen;
      if (members === undefined && opens === undefined) return primary;
      const calls = c.memberArgs;
      let acc = primary;
      let m = 0;
      let a = 0;
      let x = 0;
      const nm = members?.length ?? 0;
      const na = calls?.length ?? 0;
      const nx = opens?.length ?? 0;
      while (m < nm || x < nx) {
        const mo = m < nm ? (members as IToken[])[m]?.startOffset : undefined;
        const xo = x < nx ? (opens as IToken[])[x]?.startOffset : undefined;
        if (mo !== undefined && (xo === undefined || mo < xo)) {
          const name = (members as IToken[])[m++] as IToken;
          // A member is a call when the next argument list opens before the next suffix does.
          const args = a < na ? (calls as CstNode[])[a] : undefined;
          const open = args ? ((kids(args).LParen as IToken[])[0] as IToken).startOffset : -1;
          const next = m < nm ? ((members as IToken[])[m] as IToken).startOffset : Number.POSITIVE_INFINITY;
          if (args !== undefined && open > mo && open < next && (xo === undefined || open < xo)) {
            acc = this.method(acc, name, args);
            a++;
          } else acc = this.select(acc, name);
        } else {
          const index = this.expr(kids(c.index?.[x]));
          const close = (c.indexClose as IToken[])[x] as IToken;
          acc = {
            kind: "index",
            operand: acc,
            index,
            id: this.nextId++,
            start: acc.start,
            end: endOf(close),
          };
          x++;
        }
      }
      return acc;
    }

    select(operand: Expr, nameTok: IToken): Expr {
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

    method(operand: Expr, nameTok: IToken, argsNode: CstNode): Expr {
      const quoted = nameTok.tokenType === tk.QuotedIdent;
      const name = quoted ? nameTok.image.slice(1, -1) : nameTok.image;
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
        id: this.nextId++,
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
        id: this.nextId++,
        start: range.start,
        end,
      };
      if (two) return { ...base, iterVar2: names[1] as string, body: args[2] as Expr };
      if (args.length === 3) return { ...base, filter: args[1] as Expr, body: args[2] as Expr };
      return { ...base, body: args[1] as Expr };
    }

    closeOf(args: CstNode): number {
      return endOf(kids(args).RParen?.[0] as IToken);
    }
    args(node: CstNode): Expr[] {
      const exprs = kids(node).expr;
      if (exprs === undefined) return [];
      const out: Expr[] = new Array(exprs.length);
      for (let i = 0; i < exprs.length; i++) out[i] = this.expr(kids(exprs[i]));
      return out;
    }
    callArgs(): never {
      throw new Error("callArgs is visited through its parent");
    }

    identOrCall(nameTok: IToken, dot: IToken | undefined, argsNode: CstNode | undefined): Expr {
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
      if (!argsNode)
        return { kind: "ident", name, absolute: !!dot, id: this.nextId++, start, end: endOf(nameTok) };
      const args = this.args(argsNode);
      const end = this.closeOf(argsNode);
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

    listLiteral(c: Children): Expr {
      const open = c.LBracket?.[0] as IToken;
      const close = c.RBracket?.[0] as IToken;
      const elems = (c.expr ?? []).map((e) => this.expr(kids(e)));
      return { kind: "list", elems, id: this.nextId++, start: open.startOffset, end: endOf(close) };
    }

    mapLiteral(c: Children): Expr {
      const open = c.LBrace?.[0] as IToken;
      const close = c.RBrace?.[0] as IToken;
      const entries = (c.mapEntry ?? []).map((n) => {
        const ec = kids(n);
        return { key: this.expr(kids(ec.expr?.[0])), value: this.expr(kids(ec.expr?.[1])) };
      });
      return { kind: "map", entries, id: this.nextId++, start: open.startOffset, end: endOf(close) };
    }
    mapEntry(): never {
      throw new Error("mapEntry is visited through mapLiteral");
    }

    literalToken(tok: IToken, negated: boolean): Expr {
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
  return new AstBuilder();
}
