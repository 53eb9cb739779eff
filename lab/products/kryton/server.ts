// The Kryton server: migrations on every boot before the listener opens, then /healthz, /readyz, /api/version, notes.
// Note bodies are also kept as files under KRYTON_DATA_DIR (the chart-managed PVC / the Compose volume).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { readinessRoute, runService } from "../common/lifecycle.js";
import { atLeast } from "../common/semver.js";
import { serviceEnv } from "../common/service-env.js";
import { migrateProd } from "./migrate-prod.js";

const env = serviceEnv("kryton", "kryton");
const url = env.require("POSTGRES_URL");
const pool = new pg.Pool({ connectionString: url, max: 4 });
// A session the database ended (a restore, a failover) is logged, not fatal: the pool opens a new one, as services do.
pool.on("error", (error) => env.log("warn", "database connection lost", { error: error.message }));

// The columns this version's code reads: 4.7.0 dropped legacy_title, so an older image fails against its schema.
const columns = ["id", "title", "body", "created_at"];
if (!atLeast(env.version, "4.7.0")) columns.push("legacy_title");
if (atLeast(env.version, "4.6.5")) columns.push("pinned");
const selectNotes = `SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "notes"`;
const dataDir = process.env.KRYTON_DATA_DIR ?? "";
const bodyFile = (id: unknown) => join(dataDir, "notes", `${Number(id)}.md`);

await runService(env, {
  prepare: async () => {
    await migrateProd(env, url);
  },
  quietPaths: ["/healthz", "/readyz"],
  close: () => pool.end(),
  routes: [
    { method: "GET", path: "/healthz", handle: () => ({ status: 200, body: { status: "ok" } }) },
    readinessRoute(env, "/readyz", async () => {
      await pool.query(`${selectNotes} LIMIT 0`);
    }),
    {
      method: "GET",
      path: "/api/version",
      handle: () => ({ status: 200, body: { version: env.version, commit: env.commit, major: env.major } }),
    },
    {
      method: "GET",
      path: "/api/notes",
      handle: async () => ({
        status: 200,
        body: { notes: (await pool.query(`${selectNotes} ORDER BY "id"`)).rows },
      }),
    },
    {
      method: "POST",
      path: "/api/notes",
      async handle(req) {
        const body = (req.body ?? {}) as { title?: unknown; body?: unknown };
        const title = typeof body.title === "string" ? body.title : "untitled";
        const text = typeof body.body === "string" ? body.body : "";
        const titleColumn = atLeast(env.version, "4.7.0") ? "title" : "legacy_title";
        const r = await pool.query(
          `INSERT INTO "notes" ("${titleColumn}", "body") VALUES ($1, $2) RETURNING "id"`,
          [title, text],
        );
        if (dataDir) {
          mkdirSync(join(dataDir, "notes"), { recursive: true });
          writeFileSync(bodyFile(r.rows[0]?.id), text);
        }
        return { status: 201, body: { id: r.rows[0]?.id } };
      },
    },
    {
      method: "GET",
      path: /^\/api\/notes\/(\d+)\/body$/,
      handle: (req) => {
        if (!dataDir) return { status: 404, body: { error: "no data directory (KRYTON_DATA_DIR)" } };
        try {
          return { status: 200, body: { body: readFileSync(bodyFile(req.params[0]), "utf8") } };
        } catch {
          return { status: 404, body: { error: `no body file for note ${req.params[0]}` } };
        }
      },
    },
  ],
});
