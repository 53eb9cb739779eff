// agentic: workflows and runs of a known-good workflow whose output is deterministic across versions.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Route } from "../common/http-app.js";
import { atLeast } from "../common/semver.js";
import type { ServiceEnv } from "../common/service-env.js";

interface Definition {
  input: string;
  steps: string[];
}

/** Run a workflow definition: each step transforms the text (unknown steps are an error). */
export function runDefinition(def: Definition): string {
  let value = def.input;
  for (const step of def.steps) {
    if (step === "upper") value = value.toUpperCase();
    else if (step === "reverse") value = [...value].reverse().join("");
    else if (step === "hash")
      value = `${value}:${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
    else throw new Error(`unknown workflow step ${JSON.stringify(step)}`);
  }
  return value;
}

/** The agentic routes beyond health and version. */
export function agenticRoutes(pool: pg.Pool, env: ServiceEnv): Route[] {
  const run: Route["handle"] = async (req) => {
    const id = req.params[0] ?? "";
    const found = await pool.query<{ definition: Definition }>(
      'SELECT "definition" FROM "workflows" WHERE "id" = $1',
      [id],
    );
    const def = found.rows[0]?.definition;
    if (!def) return { status: 404, body: { error: `workflow ${id} not found` } };
    const started = Date.now();
    const output = runDefinition(def);
    const inserted = atLeast(env.version, "2.5.0")
      ? await pool.query(
          'INSERT INTO "workflow_runs" ("workflow_id", "output", "duration_ms") VALUES ($1, $2, $3) RETURNING "id"',
          [id, output, Date.now() - started],
        )
      : await pool.query(
          'INSERT INTO "workflow_runs" ("workflow_id", "output") VALUES ($1, $2) RETURNING "id"',
          [id, output],
        );
    return {
      status: 200,
      body: { run_id: Number(inserted.rows[0]?.id), workflow_id: id, status: "succeeded", output },
    };
  };
  // The integrations the workflow editor lists (000: "the integration list is correct"); 2.5.0 adds one.
  const integrations = ["github", "jira", "slack", ...(atLeast(env.version, "2.5.0") ? ["servicenow"] : [])];
  return [
    {
      method: "GET",
      path: "/api/integrations",
      handle: () => ({
        status: 200,
        body: { integrations: integrations.map((name) => ({ name, enabled: true })) },
      }),
    },
    {
      method: "GET",
      path: "/api/workflows",
      handle: async () => ({
        status: 200,
        body: { workflows: (await pool.query('SELECT "id", "name" FROM "workflows" ORDER BY "id"')).rows },
      }),
    },
    { method: "POST", path: /^\/api\/workflows\/([^/]+)\/run$/, handle: run },
    { method: "GET", path: /^\/api\/workflows\/([^/]+)\/run$/, handle: run },
  ];
}
