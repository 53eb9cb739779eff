// The CEL grammar as a chevrotain CstParser: the grammar alone, rules as class fields, no semantics.
import type { CstNode, CstParser, IOrAlt, ParserMethod } from "chevrotain";
import type { ChevrotainModule } from "./chevrotain.js";
import type { Tokens } from "./tokens.js";

type Rule = ParserMethod<[], CstNode>;

/** The parser's rule methods the visitor and `parse` call. */
export interface CelGrammar extends CstParser {
  expr: Rule;
}

/** Build the one parser instance (called once, after chevrotain is loaded); `validate` runs the grammar checks. */
export function buildGrammar(chev: ChevrotainModule, tk: Tokens, { validate = true } = {}): CelGrammar {
  class Grammar extends chev.CstParser {
    constructor() {
      super(tk.all, { maxLookahead: 3, skipValidations: !validate });
      this.performSelfAnalysis();
    }

    // Expr = Binary ["?" Binary ":" Expr]
    expr: Rule = this.RULE("expr", () => {
      this.SUBRULE(this.binary);
      this.OPTION(() => {
        this.CONSUME(tk.Question);
        this.SUBRULE2(this.binary);
        this.CONSUME(tk.Colon);
        this.SUBRULE(this.expr);
      });
    });

    // Binary = Unary {op Unary} for || && relations (with in) + - * / %; precedence is applied by the visitor.
    binary: Rule = this.RULE("binary", () => {
      this.SUBRULE(this.unary);
      this.MANY(() => {
        this.CONSUME(tk.BinOp);
        this.SUBRULE2(this.unary);
      });
    });

    // Unary = {"!" | "-"} Member (the visitor refuses "!" and "-" mixed, as CEL's grammar does)
    unary: Rule = this.RULE("unary", () => {
      this.MANY(() => this.CONSUME(tk.PrefixOp));
      this.SUBRULE(this.member);
    });

    member: Rule = this.RULE("member", () => {
      this.SUBRULE(this.primary);
      this.MANY(() => this.SUBRULE(this.memberSuffix));
    });

    // Alternatives of each OR, built on first use and reused: chevrotain's "caching arrays of alternatives"
    // (each call would otherwise allocate the array, its objects and their closures).
    private suffixAlts?: IOrAlt<unknown>[];
    private selectorAlts?: IOrAlt<unknown>[];
    private primaryAlts?: IOrAlt<unknown>[];

    // "." SELECTOR ["(" args ")"] | "[" Expr "]"
    memberSuffix: Rule = this.RULE("memberSuffix", () => {
      this.suffixAlts ??= [
        {
          ALT: () => {
            this.CONSUME(tk.Dot);
            this.selectorAlts ??= [
              { ALT: () => this.CONSUME(tk.Identifier) },
              { ALT: () => this.CONSUME(tk.QuotedIdent) },
            ];
            this.OR2(this.selectorAlts);
            this.OPTION(() => this.SUBRULE(this.callArgs));
          },
        },
        {
          ALT: () => {
            this.CONSUME(tk.LBracket);
            this.SUBRULE(this.expr);
            this.CONSUME(tk.RBracket);
          },
        },
      ];
      this.OR(this.suffixAlts);
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

    primary: Rule = this.RULE("primary", () => {
      this.primaryAlts ??= [
        {
          ALT: () => {
            this.OPTION(() => this.CONSUME(tk.Dot));
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
        { ALT: () => this.CONSUME(tk.IntLit) },
        { ALT: () => this.CONSUME(tk.UintLit) },
        { ALT: () => this.CONSUME(tk.FloatLit) },
        { ALT: () => this.CONSUME(tk.StringLit) },
        { ALT: () => this.CONSUME(tk.True) },
        { ALT: () => this.CONSUME(tk.False) },
        { ALT: () => this.CONSUME(tk.Null) },
      ];
      this.OR(this.primaryAlts);
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
