// Run ids: new ones sortable by time, and finding a run by id, unique prefix or "latest" in a store.
import type { RunStore } from "./run-store.js";

/**
 * Whether a name can be a run (or fleet) id: letters, digits, ".", "_" and "-" — safe as a file name, in a URL and
 * as a Kubernetes label value; the PostgreSQL schema checks the same pattern.
 */
export function isRunId(id: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(id);
}

/** A run id a store refuses: thrown by the stores' own check, a bug when it reaches one. */
export function checkRunId(runId: string): void {
  if (!isRunId(runId)) throw new Error(`invalid run id "${runId}"`);
}

/** A sortable, typeable run id: UTC date and time plus a random suffix. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  const rand = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, "0");
  return `${stamp}-${rand}`;
}

/** Find a run by id or unique prefix; `undefined`, `last` and `latest` mean the newest. */
export async function resolveRunId(
  store: RunStore,
  id: string | undefined,
): Promise<string | { error: string }> {
  const all = await store.list();
  // A database store is chosen with --store (or RBX_STORE, `store:`); a state directory with --state-dir.
  const elsewhere = /^postgres(ql)?:/.test(store.location)
    ? "give --store (or RBX_STORE) if they are kept elsewhere"
    : "give --state-dir if they are kept elsewhere";
  if (all.length === 0)
    return {
      error:
        id === undefined
          ? `no runs under ${store.location}; ${elsewhere}`
          : `no run "${id}" under ${store.location}: it holds no runs; ${elsewhere}`,
    };
  if (id === undefined || id === "latest" || id === "last") return all[all.length - 1] as string;
  if (all.includes(id)) return id;
  const matches = all.filter((r) => r.startsWith(id));
  if (matches.length === 1) return matches[0] as string;
  if (matches.length > 1) return { error: `"${id}" matches several runs: ${matches.join(", ")}` };
  return { error: `no run "${id}" under ${store.location}; \`rbx runs\` lists them` };
}
