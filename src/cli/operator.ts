// Where an operator's runs live and who the operator is, as the CLI reads them from flags, the environment and
// `.rbx.yaml` (`store:`, `snapshots:`, found upward from the working directory).
import { statSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import { isScalar } from "yaml";
import { formatDiagnostic } from "../diagnostics/format.js";
import { readConfigFile, section } from "../project/config-file.js";
import { findConfigFile } from "../project/config-path.js";
import type { RunStore } from "../run/store/run-store.js";
import { isPostgresUrl, secretsOf } from "../run/store/store-url.js";
import { CliError } from "./cli-error.js";
import type { CliIO } from "./io.js";

/**
 * `--state-dir`, else RBX_STATE_DIR, else `.rbx` in the working directory. A path that exists but is not a
 * directory is refused here, before any verb reads or writes under it.
 */
export function stateDir(io: CliIO, flag: string | undefined): string {
  const dir = resolve(io.cwd, flag ?? io.env.RBX_STATE_DIR ?? ".rbx");
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) {
    const given =
      flag !== undefined ? "--state-dir" : io.env.RBX_STATE_DIR ? "RBX_STATE_DIR" : "the state directory";
    throw new CliError(
      `${given} ${dir} is not a directory; give a directory for journals and locks (it is created when missing)`,
    );
  }
  return dir;
}

/** Who is running rbx, as recorded in the journal (RBX_USER overrides for shared accounts). */
export function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  if (env.RBX_USER) return env.RBX_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}

/** What `.rbx.yaml` says about running (its `lint:` part belongs to the linter). */
export interface RunConfig {
  file?: string;
  store?: string;
  snapshots?: string;
}

/** Read `store:` and `snapshots:` of the nearest `.rbx.yaml` (a path is relative to the file's directory). */
export function runConfig(cwd: string): RunConfig | { error: string } {
  const file = findConfigFile(cwd);
  if (!file) return {};
  // Read as every section of the project's file is read: bounded, one YAML rule, problems on their lines.
  const config = readConfigFile(file);
  const first = config.diagnostics[0];
  if (first) return { error: formatDiagnostic(first, () => config.source) };
  const text = (key: string): string | undefined | { error: string } => {
    const node = section(config, key);
    if (node === undefined || node === null) return undefined;
    if (!isScalar(node) || typeof node.value !== "string" || node.value === "") {
      return { error: `${file}: \`${key}:\` must be a string` };
    }
    return node.value;
  };
  const store = text("store");
  const snapshots = text("snapshots");
  for (const v of [store, snapshots]) if (typeof v === "object") return v;
  return {
    file,
    ...(typeof store === "string" ? { store } : {}),
    ...(typeof snapshots === "string" ? { snapshots: resolve(dirname(file), snapshots) } : {}),
  };
}

/** Where runs are kept, as the flags, the environment and `.rbx.yaml` say (in that order). */
export interface StoreChoice {
  /** A PostgreSQL URL, or undefined for the file store in `stateDir`. */
  url?: string;
  stateDir: string;
  /** Where snapshot dumps go: RBX_SNAPSHOTS_DIR, else `snapshots:` in .rbx.yaml, else `<state dir>/snapshots`. */
  snapshotsDir: string;
  /** Lock lease in ms (RBX_LEASE_SECONDS, default 30 s). */
  leaseMs?: number;
  /** The store URL's secrets (its password), masked in every run's journal and output. */
  secrets: string[];
}

/** The store choice, or what is wrong with it. */
export function storeChoice(
  io: CliIO,
  flags: { store?: string; stateDir?: string },
): StoreChoice | { error: string } {
  const config = runConfig(io.cwd);
  if ("error" in config) return config;
  const dir = stateDir(io, flags.stateDir);
  const url = flags.store ?? io.env.RBX_STORE ?? config.store;
  if (url !== undefined && !isPostgresUrl(url)) {
    const from = flags.store ? "--store" : io.env.RBX_STORE ? "RBX_STORE" : `store: in ${config.file}`;
    return {
      error: `${from} must be a postgres:// URL (the file store is the default: leave it out, or use --state-dir)`,
    };
  }
  // The environment beats the project file, as it does for the store: a machine says where its share is mounted.
  const fromEnv = io.env.RBX_SNAPSHOTS_DIR;
  const snapshotsDir =
    fromEnv !== undefined && fromEnv !== ""
      ? resolve(io.cwd, fromEnv)
      : (config.snapshots ?? resolve(dir, "snapshots"));
  let leaseMs: number | undefined;
  if (io.env.RBX_LEASE_SECONDS !== undefined) {
    const seconds = Number(io.env.RBX_LEASE_SECONDS);
    if (!Number.isFinite(seconds) || seconds < 1) {
      return {
        error: `RBX_LEASE_SECONDS must be a number of seconds ≥ 1; got "${io.env.RBX_LEASE_SECONDS}"`,
      };
    }
    leaseMs = seconds * 1000;
  }
  const secrets = url ? secretsOf(url) : [];
  return { ...(url ? { url } : {}), stateDir: dir, snapshotsDir, secrets, ...(leaseMs ? { leaseMs } : {}) };
}

/** Open the chosen store (pg is loaded only for a PostgreSQL store). */
export async function openStore(choice: StoreChoice, migrateOnUse = true): Promise<RunStore> {
  if (choice.url) {
    const { PgRunStore } = await import("../run/store/pg-store.js");
    return new PgRunStore(choice.url, {
      stateDir: choice.stateDir,
      migrateOnUse,
      ...(choice.leaseMs ? { leaseMs: choice.leaseMs } : {}),
    });
  }
  const { FileRunStore } = await import("../run/store/file-store.js");
  return new FileRunStore(choice.stateDir);
}
