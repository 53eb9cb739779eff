// The lab's state file (.rbx/lab/state.json): what runs, where, and the shell lines that reach it.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { instanceEnvLines, type LabInstances } from "./fleet-instances.js";
import { labSamples } from "./samples.js";

/** One installed sample release and the chart packages the lab prepared for it. */
export interface LabRelease {
  sample: string;
  release: string;
  namespace: string;
  installed: string;
  /** chart version → packaged .tgz path */
  charts: Record<string, string>;
}

/** Everything `rbx lab status/env/down` needs to find the running lab. */
export interface LabState {
  version: 1;
  dir: string;
  startedAt: string;
  supervisorPid: number;
  logFile: string;
  apiUrl: string;
  kubeconfig: string;
  binDir: string;
  helmHome: { cache: string; config: string; data: string };
  postgres: { pid: number; port: number; dataDir: string; url: string };
  /** database name → URL (carries the lab password; the file is mode 0600) */
  databases: Record<string, string>;
  releases: LabRelease[];
  /** "namespace/service" → proxy URL */
  services: Record<string, string>;
  /** The deploy-marker service and its bearer token (a lab secret, masked by `status --json`). */
  markers?: { url: string; token: string };
  /** Process pods last seen: "namespace/pod" → pid */
  pods: Record<string, number>;
  /** Further `rbx lab env` values the samples export (stand-ins, generated passwords, data directories). */
  env?: Record<string, string>;
  /** `--instances N`: the samples installed as N instances (kryton-01 …), with their injected faults. */
  instances?: LabInstances[];
}

/** The state file inside a lab directory. */
export function statePath(dir: string): string {
  return join(dir, "state.json");
}

/** Read the state, or undefined when there is none (or it is unreadable). */
export function readState(dir: string): LabState | undefined {
  const path = statePath(dir);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, "utf8")) as LabState;
    return state.version === 1 ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Write the state atomically, readable by the owner only. */
export function writeState(state: LabState): void {
  const path = statePath(state.dir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Remove the state file (after teardown). */
export function removeState(dir: string): void {
  rmSync(statePath(dir), { force: true });
}

/** Whether `pid` is alive and (when given) its command line contains `marker` — guards against PID reuse. */
export function processAlive(pid: number, marker?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // A zombie has exited; only its parent has not collected it yet.
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) return false;
    if (marker === undefined) return true;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(marker);
  } catch {
    return marker === undefined;
  }
}

/** A connection URL with its password replaced by `***` (a URL that does not parse is replaced whole). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === "") return url;
    u.password = "***";
    return u.toString();
  } catch {
    return "***";
  }
}

/** The state as `rbx lab status --json` shows it unless asked for secrets: database passwords masked. */
export function redactedState(state: LabState): LabState {
  return {
    ...state,
    postgres: { ...state.postgres, url: redactUrl(state.postgres.url) },
    databases: Object.fromEntries(Object.entries(state.databases).map(([db, url]) => [db, redactUrl(url)])),
    ...(state.markers ? { markers: { ...state.markers, token: "***" } } : {}),
  };
}

const quote = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;

/**
 * `export NAME='value'` lines for a POSIX shell: KUBECONFIG, PATH (helm, kubectl and the stand-ins), helm homes,
 * database and service URLs, and what each sample exports. A service is found in whichever namespace it runs
 * (a release may split its services across namespaces).
 */
export function envLines(state: LabState): string[] {
  const lines = [
    `export KUBECONFIG=${quote(state.kubeconfig)}`,
    `export PATH=${quote(state.binDir)}:"$PATH"`,
    `export HELM_CACHE_HOME=${quote(state.helmHome.cache)}`,
    `export HELM_CONFIG_HOME=${quote(state.helmHome.config)}`,
    `export HELM_DATA_HOME=${quote(state.helmHome.data)}`,
    `export RBX_LAB_API=${quote(state.apiUrl)}`,
    `export RBX_LAB_POSTGRES_URL=${quote(state.postgres.url)}`,
  ];
  if (state.markers)
    lines.push(
      `export RBX_LAB_MARKERS_URL=${quote(state.markers.url)}`,
      `export RBX_LAB_MARKERS_TOKEN=${quote(state.markers.token)}`,
    );
  for (const sample of labSamples) {
    const release = state.releases.find((r) => r.sample === sample.name);
    if (!release) continue;
    for (const [db, name] of Object.entries(sample.databaseEnv)) {
      const url = state.databases[db];
      if (url) lines.push(`export ${name}=${quote(url)}`);
    }
    for (const [svc, name] of Object.entries(sample.serviceEnv)) {
      const url =
        state.services[`${release.namespace}/${svc}`] ??
        Object.entries(state.services).find(([key]) => key.endsWith(`/${svc}`))?.[1];
      if (url) lines.push(`export ${name}=${quote(url)}`);
    }
  }
  for (const [name, value] of Object.entries(state.env ?? {})) lines.push(`export ${name}=${quote(value)}`);
  lines.push(...instanceEnvLines(state, labSamples, quote));
  return lines;
}
