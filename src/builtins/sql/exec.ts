// sql.exec: statements with bound parameters, by default in one transaction; an optional probe query says "done".

import type { PoolClient } from "pg";
import { type ActionContext, defineAction, type ProbeResult } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { ActionError } from "../shared/action-error.js";
import { withPgSession } from "./pg-session.js";
import {
  limitsOf,
  onConnection,
  paramsSchema,
  planStatement,
  type SqlCommonArgs,
  sqlCommonFields,
} from "./sql-schema.js";

/** One statement: bare SQL or SQL plus its bound parameters. */
export type SqlStatement = string | { sql: string; params?: JsonValue[] };

/** Arguments of sql.exec. */
export interface SqlExecArgs extends SqlCommonArgs {
  statements: SqlStatement[];
  transaction?: boolean;
  probe?: string;
}

/** Output of sql.exec. */
export interface SqlExecOutput {
  results: { command: string; rowCount: number }[];
  rowCount: number;
}

const normalize = (s: SqlStatement) =>
  typeof s === "string" ? { sql: s, params: [] as JsonValue[] } : { params: [], ...s };

// The probe query answers one boolean: true when the change is already in the database.
async function askProbe(ctx: ActionContext, args: SqlExecArgs, sql: string): Promise<boolean> {
  return withPgSession(ctx, args.connection, limitsOf(args), async ({ client, fail }) => {
    try {
      const res = await client.query<Record<string, unknown>>(sql);
      const first = res.rows[0] ? Object.values(res.rows[0])[0] : undefined;
      if (typeof first !== "boolean") {
        throw new ActionError(
          "invalid-probe",
          "The probe query must return one boolean column (true = already done)",
        );
      }
      return first;
    } catch (error) {
      throw fail(error, "Probe query");
    }
  });
}

async function runAll(client: PoolClient, args: SqlExecArgs, ctx: ActionContext): Promise<SqlExecOutput> {
  const results: SqlExecOutput["results"] = [];
  const statements = args.statements.map(normalize);
  for (const [i, s] of statements.entries()) {
    ctx.log.progress(`statement ${i + 1}/${statements.length}`);
    const res = await client.query({ text: s.sql, values: s.params });
    results.push({ command: res.command ?? "", rowCount: res.rowCount ?? 0 });
  }
  return { results, rowCount: results.reduce((n, r) => n + r.rowCount, 0) };
}

/** Change data or schema; in one transaction unless `transaction: false` (e.g. CREATE INDEX CONCURRENTLY). */
export const sqlExec = defineAction<SqlExecArgs, SqlExecOutput>({
  name: "sql.exec",
  effect: "write",
  summary: "Execute SQL statements with bound parameters, in one transaction by default.",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["statements"],
    properties: {
      ...sqlCommonFields,
      statements: {
        type: "array",
        minItems: 1,
        examples: [
          [
            "update settings set maintenance = true",
            { sql: "delete from sessions where tenant = $1", params: ["${{ params.tenant }}"] },
          ],
        ],
        description: "Statements in order: SQL text, or { sql, params } with $1, $2 bound to params.",
        items: {
          anyOf: [
            { type: "string", minLength: 1 },
            {
              type: "object",
              additionalProperties: false,
              required: ["sql"],
              properties: {
                sql: {
                  type: "string",
                  minLength: 1,
                  description: "The statement; $1, $2 are bound to `params`.",
                  examples: ["delete from sessions where tenant = $1"],
                },
                params: paramsSchema,
              },
            },
          ],
        },
      },
      transaction: {
        type: "boolean",
        default: true,
        description: "Run all statements in one transaction (default true).",
      },
      probe: {
        type: "string",
        examples: ["select maintenance from settings"],
        description:
          "A query returning one boolean, true when the change is already applied; settles an interrupted step.",
      },
    },
  },
  output: T.object("sql.exec.output", {
    results: T.list(T.object("sql.exec.result", { command: T.string, rowCount: T.int })),
    rowCount: T.int,
  }),
  plan(args, ctx) {
    const tx = args.transaction !== false;
    const body = args.statements
      .map(normalize)
      .map((s) => planStatement(s.sql, s.params, ctx.redactor))
      .join(";\n");
    return [
      {
        kind: "sql",
        text: `${onConnection(args.connection)} ${tx ? `BEGIN;\n${body};\nCOMMIT;` : `${body};`}`,
      },
    ];
  },
  async run(ctx, args) {
    const tx = args.transaction !== false;
    return withPgSession(
      ctx,
      args.connection,
      limitsOf(args, args.statements.length),
      async ({ client, fail }) => {
        if (!tx) {
          try {
            return await runAll(client, args, ctx);
          } catch (error) {
            throw fail(error, "SQL");
          }
        }
        await client.query("begin");
        try {
          const out = await runAll(client, args, ctx);
          await client.query("commit");
          ctx.log.info(`committed ${out.results.length} statement(s), ${out.rowCount} row(s)`);
          return out;
        } catch (error) {
          await client.query("rollback").catch(() => {});
          throw fail(error, "SQL (rolled back)");
        }
      },
    );
  },
  async before(ctx, args) {
    return args.probe ? { alreadyDone: await askProbe(ctx, args, args.probe) } : null;
  },
  async probe(ctx, args): Promise<ProbeResult> {
    if (!args.probe) {
      return {
        state: "unknown",
        reason: "sql.exec has no `probe` query; check the database and resume or skip the step",
      };
    }
    return (await askProbe(ctx, args, args.probe)) ? { state: "done" } : { state: "not-done" };
  },
});
