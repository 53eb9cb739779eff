// The Alexandria EE api: ApplySchema on start-up, /ready, /auth/setup (200 only while no admin exists), /license.
import { randomBytes, scryptSync } from "node:crypto";
import pg from "pg";
import { runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";
import { licenseTerms } from "./license.js";
import { probeRoutes, quietProbePaths, schemaApplied } from "./probe-routes.js";
import { applySchema } from "./schema.js";

const env = serviceEnv("alexandria", "api");
const bootedAt = Date.now();
const pool = new pg.Pool({ connectionString: env.require("ALEXANDRIA_DSN"), max: 4 });
// A session the database ended (a restore, a failover) is logged, not fatal: the pool opens a new one, as services do.
pool.on("error", (error) => env.log("warn", "database connection lost", { error: error.message }));
const adminCount = async () =>
  Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM admins")).rows[0]?.n ?? 0);

await runService(env, {
  prepare: async () => {
    const applied = await applySchema(pool, env.version);
    env.log("info", applied.length === 0 ? "schema up to date" : "schema applied", { applied });
  },
  quietPaths: quietProbePaths,
  close: () => pool.end(),
  routes: [
    ...probeRoutes(env, () => schemaApplied(pool)),
    {
      method: "GET",
      path: "/license",
      async handle() {
        const seats = Number(
          (await pool.query<{ n: string }>("SELECT count(*) AS n FROM seats")).rows[0]?.n ?? 0,
        );
        const terms = licenseTerms(process.env, bootedAt);
        return {
          status: 200,
          body: {
            tier: terms.tier,
            current_seats: seats,
            max_seats: terms.max_seats,
            expires_at: terms.expires_at,
          },
        };
      },
    },
    {
      method: "GET",
      path: "/auth/setup",
      async handle() {
        return (await adminCount()) === 0
          ? { status: 200, body: { setup_required: true } }
          : {
              status: 403,
              body: { setup_required: false, error: "an admin already exists; sign in instead" },
            };
      },
    },
    {
      method: "POST",
      path: "/auth/setup",
      async handle(req) {
        const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
        if (typeof body.email !== "string" || typeof body.password !== "string" || body.password.length < 8) {
          return {
            status: 400,
            body: { error: "send {email, password} with a password of 8 or more characters" },
          };
        }
        if ((await adminCount()) > 0) return { status: 409, body: { error: "an admin already exists" } };
        const salt = randomBytes(16);
        const hash = `scrypt:${salt.toString("hex")}:${scryptSync(body.password, salt, 32).toString("hex")}`;
        await pool.query("INSERT INTO admins (email, password_hash) VALUES ($1, $2)", [body.email, hash]);
        await pool.query("INSERT INTO seats (user_email) VALUES ($1) ON CONFLICT DO NOTHING", [body.email]);
        return { status: 201, body: { email: body.email } };
      },
    },
  ],
});
