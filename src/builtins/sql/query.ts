// sql.query: one read-only statement with bound parameters; rows come back as a list of maps.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { ActionError } from "../shared/action-error.js";
import { rowsToJson } from "./json-rows.js";
import { withPgSession } from "./pg-session.js";
import {
  limitsOf,
  onConnection,
  paramsSchema,
  planStatement,
  type SqlCommonArgs,
  sqlCommonFields,
} from "./sql-schema.js";

/** Arguments of sql.query. */
export interface SqlQueryArgs extends SqlCommonArgs {
  sql: string;
  params?: JsonValue[];
  maxRows?: number;
}

/** Output of sql.query. */
export interface SqlQueryOutput {
  rows: Record<string, JsonValue>[];
  rowCount: number;
  columns: string[];
}

/** Read rows; runs in a READ ONLY transaction so a query step can never change data. */
export const sqlQuery = defineAction<SqlQueryArgs, SqlQueryOutput>({
  name: "sql.query",
  effect: "read",
  summary: "Run one read-only SQL query with bound parameters and return its rows.",
  connectionKinds: ["postgres"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["sql"],
    properties: {
      ...sqlCommonFields,
      sql: {
        type: "string",
        minLength: 1,
        examples: ["select count(*) as n from accounts where tenant = $1"],
        description: "One SELECT (or other read-only) statement; use $1, $2 for values.",
      },
      params: paramsSchema,
      maxRows: {
        type: "integer",
        minimum: 1,
        examples: [500],
        description: "Fail when the query returns more rows than this (default 10000); add a LIMIT.",
      },
    },
  },
  output: T.object("sql.query.output", {
    rows: T.list(T.map(T.string, T.dyn)),
    rowCount: T.int,
    columns: T.list(T.string),
  }),
  plan(args, ctx) {
    return [
      {
        kind: "sql",
        text: `${onConnection(args.connection)} ${planStatement(args.sql, args.params, ctx.redactor)}`,
      },
    ];
  },
  async run(ctx, args) {
    const maxRows = args.maxRows ?? 10_000;
    return withPgSession(ctx, args.connection, limitsOf(args), async ({ client, fail }) => {
      await client.query("begin transaction read only");
      try {
        const res = await client.query({ text: args.sql, values: args.params ?? [] });
        if (res.rows.length > maxRows) {
          throw new ActionError(
            "too-many-rows",
            `The query returned ${res.rows.length} rows, more than maxRows=${maxRows}; add a LIMIT`,
          );
        }
        ctx.log.info(`${res.rows.length} row(s)`);
        return {
          rows: rowsToJson(res.rows),
          rowCount: res.rows.length,
          columns: res.fields.map((f) => f.name),
        };
      } catch (error) {
        throw fail(error, "Query");
      } finally {
        await client.query("rollback").catch(() => {});
      }
    });
  },
});
