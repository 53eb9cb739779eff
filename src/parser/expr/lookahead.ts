// The parser's lookahead from a table computed once from the grammar and committed, so building the parser at the
// first parse of a process skips chevrotain's lookahead analysis (~5 ms of every cold command that parses one).
import type {
  ILookaheadStrategy,
  ILookaheadValidationError,
  IOrAlt,
  IProduction,
  IToken,
  LookaheadProductionType,
  OptionalProductionType,
  Rule,
  TokenType,
} from "chevrotain";
import type { ChevrotainModule } from "./chevrotain.js";

/**
 * Every lookahead decision of a grammar, by `rule/production type/occurrence` (`operand/Alternation/2`): the token
 * name paths chevrotain's LL(k) analysis gives (`getLookaheadPaths`), per alternative for an OR, for the inside of
 * the production for an OPTION or a loop.
 */
export interface LookaheadTable {
  alternations: Readonly<Record<string, readonly (readonly (readonly string[])[])[]>>;
  optionals: Readonly<Record<string, readonly (readonly string[])[]>>;
}

/** The one method of the parser a lookahead function reads: the token `i` ahead (1 is the next one). */
interface Ahead {
  LA_FAST(i: number): IToken;
}

/** True when `token` is of `type` or of a type in its category (chevrotain's structured token matcher). */
function matches(token: IToken, type: TokenType): boolean {
  const idx = token.tokenTypeIdx as number;
  return (
    idx === type.tokenTypeIdx ||
    (type.isParent === true && (type.categoryMatchesMap as Record<number, boolean>)[idx] === true)
  );
}

/** Every token type index `type` stands for: its own and, for a category, those of its members. */
function indexesOf(type: TokenType): number[] {
  return [type.tokenTypeIdx as number, ...((type.categoryMatches as number[] | undefined) ?? [])];
}

/** First alternative any of whose paths the next tokens match, or undefined (chevrotain's LL(k) choice). */
function alternationFunction(alts: TokenType[][][]): (this: Ahead) => number | undefined {
  if (alts.every((alt) => alt.every((path) => path.length === 1))) {
    // One token decides: an array by token type index, the first alternative taking each index.
    const choice: (number | undefined)[] = [];
    alts.forEach((alt, n) => {
      for (const path of alt)
        for (const idx of indexesOf(path[0] as TokenType)) if (choice[idx] === undefined) choice[idx] = n;
    });
    return function (this: Ahead) {
      return choice[this.LA_FAST(1).tokenTypeIdx as number];
    };
  }
  return function (this: Ahead) {
    for (let n = 0; n < alts.length; n++) {
      const alt = alts[n] as TokenType[][];
      next: for (const path of alt) {
        for (let i = 0; i < path.length; i++)
          if (!matches(this.LA_FAST(i + 1), path[i] as TokenType)) continue next;
        return n;
      }
    }
    return undefined;
  };
}

/** Whether the next tokens start the inside of an OPTION or loop (any of its paths matches). */
function optionalFunction(paths: TokenType[][]): (this: Ahead) => boolean {
  if (paths.every((path) => path.length === 1)) {
    const types = paths.map((path) => path[0] as TokenType);
    const only = types[0];
    if (
      types.length === 1 &&
      only !== undefined &&
      ((only.categoryMatches as number[] | undefined) ?? []).length === 0
    ) {
      const idx = only.tokenTypeIdx as number;
      return function (this: Ahead) {
        return this.LA_FAST(1).tokenTypeIdx === idx;
      };
    }
    const yes: boolean[] = [];
    for (const type of types) for (const idx of indexesOf(type)) yes[idx] = true;
    return function (this: Ahead) {
      return yes[this.LA_FAST(1).tokenTypeIdx as number] === true;
    };
  }
  return function (this: Ahead) {
    next: for (const path of paths) {
      for (let i = 0; i < path.length; i++)
        if (!matches(this.LA_FAST(i + 1), path[i] as TokenType)) continue next;
      return true;
    }
    return false;
  };
}

const key = (rule: string, type: LookaheadProductionType, occurrence: number): string =>
  `${rule}/${type}/${occurrence}`;

/**
 * A lookahead strategy that answers from `table` with chevrotain's own decisions, and asks chevrotain's LL(k)
 * strategy for anything the table lacks (a production it has no entry for, a token it cannot name, predicates,
 * dynamic tokens) and for the grammar checks. `tokens` are the grammar's token types (categories included).
 */
export function tableLookahead(
  chev: ChevrotainModule,
  tokens: readonly TokenType[],
  maxLookahead: number,
  table: LookaheadTable,
): ILookaheadStrategy {
  const computed = new chev.LLkLookaheadStrategy({ maxLookahead });
  const byName = new Map<string, TokenType>([[chev.EOF.name, chev.EOF]]);
  for (const t of tokens) byName.set(t.name, t);
  const types = (names: readonly string[]): TokenType[] | undefined => {
    const out: TokenType[] = [];
    for (const n of names) {
      const t = byName.get(n);
      if (t === undefined) return undefined;
      out.push(t);
    }
    return out;
  };
  const pathsOf = (paths: readonly (readonly string[])[]): TokenType[][] | undefined => {
    const out: TokenType[][] = [];
    for (const p of paths) {
      const t = types(p);
      if (t === undefined) return undefined;
      out.push(t);
    }
    return out;
  };
  return {
    validate: (options: {
      rules: Rule[];
      tokenTypes: TokenType[];
      grammarName: string;
    }): ILookaheadValidationError[] => computed.validate(options),
    buildLookaheadForAlternation(options) {
      const entry = table.alternations[key(options.rule.name, "Alternation", options.prodOccurrence)];
      if (entry !== undefined && !options.hasPredicates && !options.dynamicTokensEnabled) {
        const alts: TokenType[][][] = [];
        for (const alt of entry) {
          const paths = pathsOf(alt);
          if (paths === undefined) return computed.buildLookaheadForAlternation(options);
          alts.push(paths);
        }
        return alternationFunction(alts) as (orAlts?: IOrAlt<unknown>[]) => number | undefined;
      }
      return computed.buildLookaheadForAlternation(options);
    },
    buildLookaheadForOptional(options) {
      const entry = table.optionals[key(options.rule.name, options.prodType, options.prodOccurrence)];
      const paths = entry === undefined || options.dynamicTokensEnabled ? undefined : pathsOf(entry);
      return paths === undefined
        ? computed.buildLookaheadForOptional(options)
        : (optionalFunction(paths) as () => boolean);
    },
  };
}

/** The production classes of chevrotain's grammar model whose choice needs lookahead, by their production type. */
const DECISIONS: [keyof ChevrotainModule, LookaheadProductionType][] = [
  ["Alternation", "Alternation"],
  ["Option", "Option"],
  ["Repetition", "Repetition"],
  ["RepetitionMandatory", "RepetitionMandatory"],
  ["RepetitionMandatoryWithSeparator", "RepetitionMandatoryWithSeparator"],
  ["RepetitionWithSeparator", "RepetitionWithSeparator"],
];

/**
 * The lookahead table of a parser's recorded grammar, as chevrotain's LL(k) analysis computes it: what
 * `scripts/gen-lookahead.js` writes to lookahead-table.ts, and what a test compares that file with.
 */
export function computeLookaheadTable(
  chev: ChevrotainModule,
  rules: Readonly<Record<string, Rule>>,
  maxLookahead: number,
): LookaheadTable {
  const alternations: Record<string, string[][][]> = {};
  const optionals: Record<string, string[][]> = {};
  const names = (paths: TokenType[][]): string[][] => paths.map((p) => p.map((t) => t.name));
  for (const rule of Object.values(rules)) {
    const visit = (prod: IProduction): void => {
      for (const [cls, type] of DECISIONS) {
        if (!(prod instanceof (chev[cls] as new (...args: never[]) => IProduction))) continue;
        const { idx, maxLookahead: own } = prod as IProduction & { idx: number; maxLookahead?: number };
        const paths = chev.getLookaheadPaths({
          occurrence: idx,
          rule,
          prodType: type,
          maxLookahead: own ?? maxLookahead,
        });
        if (type === "Alternation") alternations[key(rule.name, type, idx)] = paths.map(names);
        else optionals[key(rule.name, type as OptionalProductionType, idx)] = names(paths[0] ?? []);
      }
      // A NonTerminal's own definition is another rule's, visited as that rule.
      if (!(prod instanceof chev.NonTerminal))
        for (const inner of (prod as { definition?: IProduction[] }).definition ?? []) visit(inner);
    };
    for (const prod of rule.definition) visit(prod);
  }
  return { alternations, optionals };
}
