// The SQL a sql.exec step runs, parsed by PostgreSQL's grammar, with each statement's place in the YAML string.
import type { Runbook, SourceText, Step, ValueNode } from "../../parser/ast.js";
import { withValue } from "../context.js";
import { splitTemplateText } from "../expr-source.js";
import { literalFalse } from "../values.js";
import { parseSql, type SqlToken } from "./parser.js";

/** A parse-tree node as libpg_query's JSON gives it. */
// biome-ignore lint/suspicious/noExplicitAny: the JSON of PostgreSQL's parse tree, read field by field.
export type PgNode = Record<string, any>;

/** One statement of a sql.exec step. */
export interface SqlStatement {
  /** The node type, e.g. `IndexStmt`, `AlterTableStmt`. */
  kind: string;
  body: PgNode;
  /** The YAML string that holds it, and [start, end) of the statement in that string's text. */
  source: SourceText;
  start: number;
  end: number;
  /** The tokens of the statement (scanned when first read). */
  tokens: SqlToken[];
  /** A parse-tree `location` (bytes of the string) as an offset of the string's text. */
  at(location: number): number;
  /** How many statements the same string holds (several run as one implicit transaction). */
  siblings: number;
}

/** The SQL of one sql.exec step. */
export interface SqlStep {
  step: Step;
  statements: SqlStatement[];
  /** `transaction:` — true by default; undefined when templated. */
  transaction: boolean | undefined;
  /** Tables the step itself creates (CREATE TABLE, CREATE TABLE AS), lower case. */
  created: ReadonlySet<string>;
}

/**
 * Every kind of statement a sql-* rule reads holds one of these words: CREATE (INDEX, TABLE, DATABASE,
 * TABLESPACE), ALTER (TABLE, SYSTEM, a rename), DROP, REINDEX, VACUUM, TRUNCATE, LOCK and `SET lock_timeout`. A
 * string with none of them (UPDATE, INSERT, DELETE, SELECT, …) is not parsed: no rule reads its statements, and a
 * runbook whose SQL has none never starts PostgreSQL's parser. A rule that reads another kind of statement adds
 * its word here (until it does, its tests fail: the statement is never parsed).
 */
const READ_WORDS = /create|alter|drop|reindex|vacuum|truncate|lock/i;

/** True when the rules read the statements of this string (see READ_WORDS). */
function readsStatements(text: string): boolean {
  return READ_WORDS.test(text);
}

/** Every step the rules visit: check suites, phases, rollbacks, and the verify step of each. */
function allSteps(runbook: Runbook): Step[] {
  const out: Step[] = [];
  const add = (s: Step) => {
    out.push(s);
    if (s.verify) add(s.verify);
  };
  for (const c of runbook.checks) c.steps.forEach(add);
  for (const p of runbook.phases) {
    p.steps.forEach(add);
    p.rollback?.forEach(add);
  }
  return out;
}

/** True when a step of the runbook runs SQL text the rules read: PostgreSQL's parser must be loaded first. */
export function hasSql(runbook: Runbook): boolean {
  return allSteps(runbook).some(
    (s) =>
      s.action?.value === "sql.exec" &&
      sqlStrings(withValue(s, "statements")).some((t) => readsStatements(t.text)),
  );
}

/** `${{ }}` parts replaced by underscores of the same length, so positions stay and the SQL still parses. */
function maskTemplates(text: string): string {
  let out = text;
  for (const p of splitTemplateText(text)) {
    const from = Math.max(0, p.start - 3);
    const to = Math.min(text.length, p.start + p.text.length + 2);
    out = out.slice(0, from) + "_".repeat(to - from) + out.slice(to);
  }
  return out;
}

/** The SQL strings of `statements:` (a string, or `{ sql, params }`). */
function sqlStrings(list: ValueNode | undefined): SourceText[] {
  if (list?.kind !== "list") return [];
  const out: SourceText[] = [];
  for (const item of list.items) {
    const v = item.kind === "map" ? item.entries.find((e) => e.key.value === "sql")?.value : item;
    if (v?.kind === "string") out.push(v.source);
  }
  return out;
}

/** The name of a RangeVar, lower case (`schema.table` when qualified). */
export function relationName(rv: PgNode | undefined): string | undefined {
  if (!rv?.relname) return undefined;
  const name = String(rv.relname).toLowerCase();
  return rv.schemaname ? `${String(rv.schemaname).toLowerCase()}.${name}` : name;
}

/** The unqualified part of a relation name, for comparing `public.t` with `t`. */
export function bareName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

const cache = new WeakMap<Step, SqlStep>();

/**
 * The parsed SQL of a sql.exec step: the statements of each string the rules read (see READ_WORDS); statements
 * that do not parse are left out (PostgreSQL reports them).
 */
export function sqlOf(step: Step): SqlStep | undefined {
  if (step.action?.value !== "sql.exec") return undefined;
  const hit = cache.get(step);
  if (hit) return hit;
  const statements: SqlStatement[] = [];
  const created = new Set<string>();
  for (const source of sqlStrings(withValue(step, "statements"))) {
    if (!readsStatements(source.text)) continue;
    const parsed = parseSql(maskTemplates(source.text));
    if (!parsed.ok) continue;
    for (const s of parsed.statements) {
      const kind = Object.keys(s.node)[0] ?? "";
      const body = (s.node[kind] ?? {}) as PgNode;
      if (kind === "CreateStmt") {
        const name = relationName(body.relation);
        if (name) created.add(bareName(name));
      } else if (kind === "CreateTableAsStmt") {
        const name = relationName(body.into?.rel);
        if (name) created.add(bareName(name));
      }
      let tokens: SqlToken[] | undefined;
      statements.push({
        kind,
        body,
        source,
        start: s.start,
        end: s.end,
        get tokens() {
          tokens ??= parsed.tokens().filter((t) => t.start >= s.start && t.end <= s.end);
          return tokens;
        },
        at: parsed.offset,
        siblings: parsed.statements.length,
      });
    }
  }
  const tx = withValue(step, "transaction");
  const transaction = tx === undefined ? true : tx.kind === "bool" ? !literalFalse(tx) : undefined;
  const result: SqlStep = { step, statements, transaction, created };
  cache.set(step, result);
  return result;
}

/** True when the statement's table was created by the same step (nobody else uses it yet). */
export function createdHere(sql: SqlStep, table: string | undefined): boolean {
  return table !== undefined && sql.created.has(bareName(table));
}

/** The n-th (0-based) run of tokens spelling `words` (case-insensitive) in a statement; its first token. */
export function findWords(s: SqlStatement, words: readonly string[], nth = 0): SqlToken | undefined {
  let seen = 0;
  for (let i = 0; i + words.length <= s.tokens.length; i++) {
    if (words.every((w, k) => s.tokens[i + k]?.text.toUpperCase() === w)) {
      if (seen === nth) return s.tokens[i];
      seen++;
    }
  }
  return undefined;
}

/** Visit every object of a parse tree. */
export function walkTree(node: unknown, visit: (o: PgNode) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walkTree(x, visit);
  } else if (node !== null && typeof node === "object") {
    visit(node as PgNode);
    for (const v of Object.values(node)) walkTree(v, visit);
  }
}

/** The commands of an ALTER TABLE statement, unwrapped (`AlterTableCmd` bodies). */
export function alterCommands(s: SqlStatement): PgNode[] {
  if (s.kind !== "AlterTableStmt") return [];
  return ((s.body.cmds ?? []) as PgNode[]).map((c) => (c.AlterTableCmd ?? {}) as PgNode);
}

/** The table an ALTER TABLE / CREATE INDEX statement acts on. */
export function statementTable(s: SqlStatement): string | undefined {
  return relationName(s.body.relation);
}
