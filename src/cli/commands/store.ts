// `rbx store migrate|status|import DIR`: set up and inspect the team's PostgreSQL run store.
import { resolve } from "node:path";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import { type StoreChoice, storeChoice } from "../operator.js";
import { storeOptions, withStore } from "../run-options.js";

/** Shown by `rbx store --help`. */
export const usage = `Usage: rbx store migrate|status|import DIR [--store URL]

The team's PostgreSQL run store (--store URL, else RBX_STORE, else \`store:\` in .rbx.yaml). The URL's password
is never printed; prefer PGPASSWORD or ~/.pgpass to a password in the URL.

  migrate     create or upgrade the store's schema (versioned; two first users never race: the migration
              runs under an advisory lock). rbx also migrates on first use when the role may.
  status      where the store is, its server and schema version, the role you are, runs and locks held
  import DIR  move the journals of a file store (DIR: its state directory, e.g. .rbx) into the store. Each
              journal's hash chain is verified first (one that does not verify stays where it is); an
              imported run keeps its runbook and its locks, and its file journal is renamed .imported

Exit status: 0 done, 1 the store could not be reached or refused, 2 usage error or no store configured.
`;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("store", argv, storeOptions, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (verb !== "migrate" && verb !== "status" && verb !== "import")
    return usageError(io, "store", "say migrate, status or import DIR");
  if ((verb === "import" && rest.length !== 1) || (verb !== "import" && rest.length !== 0))
    return usageError(
      io,
      "store",
      `${verb} ${verb === "import" ? "needs the state directory to import" : "takes no arguments"}`,
    );
  const choice = storeChoice(io, values.store ? { store: values.store } : {});
  if (!("error" in choice) && !choice.url) {
    io.stderr.write(
      "rbx store: no PostgreSQL store is configured: give --store postgres://…, set RBX_STORE, or `store:` in .rbx.yaml\n",
    );
    return 2;
  }
  return withStore(
    "store",
    io,
    values,
    1,
    async (store, chosen: StoreChoice) => {
      const { PgRunStore } = await import("../../run/store/pg-store.js");
      const { LATEST_VERSION } = await import("../../run/store/pg-schema.js");
      if (!(store instanceof PgRunStore)) return 2;
      if (verb === "migrate") {
        const r = await store.migrate();
        if (r.from > LATEST_VERSION) {
          io.stderr.write(
            `rbx store: ${store.location} is at schema version ${r.from}, newer than this rbx knows (${LATEST_VERSION}): upgrade rbx\n`,
          );
          return 1;
        }
        if (r.applied.length === 0)
          io.stdout.write(`${store.location}: schema version ${r.to}, up to date\n`);
        for (const m of r.applied)
          io.stdout.write(`${store.location}: applied version ${m.version}: ${m.summary}\n`);
        return 0;
      }
      if (verb === "status") {
        const s = await store.status();
        const state =
          s.version === s.latest
            ? "current"
            : s.version < s.latest
              ? `behind: this rbx knows ${s.latest}; run \`rbx store migrate\``
              : `newer than this rbx (${s.latest}): upgrade rbx`;
        io.stdout.write(
          [
            `store:    ${s.location}`,
            `server:   PostgreSQL ${s.server}`,
            `role:     ${s.role}`,
            `schema:   version ${s.version} (${state})`,
            `runs:     ${s.runs}`,
            `locks:    ${s.locks} held`,
            `journals and locks: this database; work files and default snapshots: ${chosen.stateDir}`,
            "",
          ].join("\n"),
        );
        return 0;
      }
      const { FileRunStore } = await import("../../run/store/file-store.js");
      const { importRuns } = await import("../../run/store/import-runs.js");
      const dir = resolve(io.cwd, rest[0] as string);
      const outcomes = await importRuns(new FileRunStore(dir), store);
      if (outcomes.length === 0) io.stdout.write(`no runs under ${dir}\n`);
      for (const o of outcomes) io.stdout.write(`${o.runId}  ${o.result}  ${o.detail}\n`);
      return outcomes.some((o) => o.result === "does-not-verify") ? 1 : 0;
    },
    verb === "import",
  );
}
