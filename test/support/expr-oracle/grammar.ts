// The CEL grammar as a chevrotain CstParser: the grammar alone, rules as class fields, no semantics.
// Rules are few and wide (an operand with its prefixes, primary and suffixes is one rule), because each rule
// invocation is the parser's main cost; labels keep the children of each part apart for the visitor.
import type { CstNode, CstParser, IOrAlt, ParserMethod } from "chevrotain";
import type { ChevrotainModule } from "../../../src/parser/expr/chevrotain.js";
import type { Tokens } from "../../../src/parser/expr/tokens.js";

type Rule = ParserMethod<[], CstNode>;

/** Labels given to CONSUME/SUBRULE below; with rule and token names they are the keys of CST children. */
const LABELS = ["absDot", "literal", "member", "memberArgs", "indexOpen", "index", "indexClose"];

/**
 * Fails when the plain-object children would be unsafe or the hook is gone: a child key that is an
 * Object.prototype member, or a chevrotain that no longer builds nodes through cstInvocationStateUpdate.
 */
function checkPlainChildren(parser: CstParser, tk: Tokens): void {
  const base = Object.getPrototypeOf(Object.getPrototypeOf(parser)) as Record<string, unknown>;
  if (typeof base.cstInvocationStateUpdate !== "function")
    throw new Error("chevrotain no longer has cstInvocationStateUpdate; remove the override in grammar.ts");
  const keys = [...Object.keys(parser.getGAstProductions()), ...tk.all.map((t) => t.name), ...LABELS];
  const clash = keys.find((k) => k in Object.prototype);
  if (clash) throw new Error(`CST child name '${clash}' is an Object.prototype member`);
}

/** The parser's rule methods the visitor and `parse` call. */
export interface CelGrammar extends CstParser {
  expr: Rule;
}

/** Build the one parser instance (called once, after chevrotain is loaded); `validate` runs the grammar checks. */
export function buildGrammar(chev: ChevrotainModule, tk: Tokens, { validate = true } = {}): CelGrammar {
  class Grammar extends chev.CstParser {
    constructor() {
      super(tk.all, { maxLookahead: 2, skipValidations: !validate });
      this.performSelfAnalysis();
      if (validate) checkPlainChildren(this, tk);
    }

    // chevrotain starts each CST node's children as Object.create(null), a dictionary-mode object; a plain
    // object is ~10% faster to fill and read back. Safe because no rule, label or token name of this grammar
    // is an Object.prototype member (checkPlainChildren, run by validateGrammar, proves it).
    cstInvocationStateUpdate(name: string): void {
      (this as unknown as { CST_STACK: CstNode[] }).CST_STACK.push({ name, children: {} } as CstNode);
    }

    // Expr = Binary ["?" Binary ":" Expr]; the first Binary is inline (children `operand`, `BinOp`), the
    // second is the `binary` child and the last the `expr` child.
    expr: Rule = this.RULE("expr", () => {
      this.SUBRULE(this.operand);
      this.MANY(() => {
        this.CONSUME(tk.BinOp);
        this.SUBRULE2(this.operand);
      });
      this.OPTION(() => {
        this.CONSUME(tk.Question);
        this.SUBRULE(this.binary);
        this.CONSUME(tk.Colon);
        this.SUBRULE(this.expr);
      });
    });

    // Binary = Operand {op Operand} for || && relations (with in) + - * / %; precedence is applied by the visitor.
    binary: Rule = this.RULE("binary", () => {
      this.SUBRULE(this.operand);
      this.MANY(() => {
        this.CONSUME(tk.BinOp);
        this.SUBRULE2(this.operand);
      });
    });

    // Alternatives of each OR, built on first use and reused: chevrotain's "caching arrays of alternatives"
    // (each call would otherwise allocate the array, its objects and their closures).
    private primaryAlts?: IOrAlt<unknown>[];
    private suffixAlts?: IOrAlt<unknown>[];

    // Operand = {"!" | "-"} Primary {Suffix} (the visitor refuses "!" and "-" mixed, as CEL's grammar does).
    // Primary: ["."] IDENT ["(" args ")"] | "(" Expr ")" | list | map | literal (label `literal`).
    // Suffix: "." NAME ["(" args ")"] (labels `member`, `memberArgs`) | "[" Expr "]" (labels `indexOpen`,
    // `index`, `indexClose`); NAME is an identifier or a `quoted` name. Every choice is decided by one token.
    operand: Rule = this.RULE("operand", () => {
      this.MANY(() => this.CONSUME(tk.PrefixOp));
      this.primaryAlts ??= [
        {
          ALT: () => {
            this.OPTION(() => this.CONSUME(tk.Dot, { LABEL: "absDot" }));
            this.CONSUME(tk.Identifier);
            this.OPTION2(() => this.SUBRULE(this.callArgs));
          },
        },
        {
          ALT: () => {
            this.CONSUME(tk.LParen);
            this.SUBRULE(this.expr);
            this.CONSUME(tk.RParen);
          },
        },
        { ALT: () => this.SUBRULE(this.listLiteral) },
        { ALT: () => this.SUBRULE(this.mapLiteral) },
        { ALT: () => this.CONSUME(tk.Literal, { LABEL: "literal" }) },
      ];
      this.OR(this.primaryAlts);
      this.suffixAlts ??= [
        {
          ALT: () => {
            this.CONSUME2(tk.Dot);
            this.CONSUME(tk.Name, { LABEL: "member" });
            this.OPTION3(() => this.SUBRULE2(this.callArgs, { LABEL: "memberArgs" }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(tk.LBracket, { LABEL: "indexOpen" });
            this.SUBRULE2(this.expr, { LABEL: "index" });
            this.CONSUME(tk.RBracket, { LABEL: "indexClose" });
          },
        },
      ];
      this.MANY2(() => this.OR2(this.suffixAlts as IOrAlt<unknown>[]));
    });

    callArgs: Rule = this.RULE("callArgs", () => {
      this.CONSUME(tk.LParen);
      this.OPTION(() => {
        this.SUBRULE(this.expr);
        this.MANY(() => {
          this.CONSUME(tk.Comma);
          this.SUBRULE2(this.expr);
        });
      });
      this.CONSUME(tk.RParen);
    });

    listLiteral: Rule = this.RULE("listLiteral", () => {
      this.CONSUME(tk.LBracket);
      this.OPTION(() => {
        this.SUBRULE(this.expr);
        this.MANY(() => {
          this.CONSUME(tk.Comma);
          this.SUBRULE2(this.expr);
        });
        this.OPTION2(() => this.CONSUME2(tk.Comma));
      });
      this.CONSUME(tk.RBracket);
    });

    mapLiteral: Rule = this.RULE("mapLiteral", () => {
      this.CONSUME(tk.LBrace);
      this.OPTION(() => {
        this.SUBRULE(this.mapEntry);
        this.MANY(() => {
          this.CONSUME(tk.Comma);
          this.SUBRULE2(this.mapEntry);
        });
        this.OPTION2(() => this.CONSUME2(tk.Comma));
      });
      this.CONSUME(tk.RBrace);
    });

    mapEntry: Rule = this.RULE("mapEntry", () => {
      this.SUBRULE(this.expr);
      this.CONSUME(tk.Colon);
      this.SUBRULE2(this.expr);
    });
  }
  return new Grammar();
}
