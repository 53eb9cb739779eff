// When helm fails in a hook, find the release's hook Jobs of that revision that failed and keep the tail of
// their pods' logs, so the journal says why the migration failed (`kubectl logs job/auth-migration-<rev>`).
import type { V1Job } from "@kubernetes/client-node";
import type { ActionContext } from "../../contract/action.js";
import { type KubeClients, kubeClients } from "../kubectl/kube-client.js";
import { kubeError } from "../kubectl/kube-errors.js";
import { joinLogs, podLogs, podsBySelector } from "../kubectl/pod-logs.js";
import { ActionError, isActionError, messageOf } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import type { HelmCommonArgs } from "./fields.js";
import { type HelmInvocation, parseJson, runHelm } from "./helm-cli.js";
import { type HookJson, hookRuns } from "./hook-runs.js";

/** A hook Job that failed (or was still running when helm gave up), with the tail of its pods' logs. */
export interface FailedHook {
  job: string;
  namespace: string;
  /** The hook events it ran for, e.g. ["pre-upgrade"]. */
  events: string[];
  /** The Job's Failed condition reason (e.g. BackoffLimitExceeded), or Unfinished. */
  reason: string;
  message: string;
  /** Last lines of its newest pods (every container), redacted, at most LOG_CHARS characters. */
  logs: string;
}

const LOG_LINES = 50;
const LOG_PODS = 3;
const LOG_CHARS = 8000;
const MESSAGE_LINES = 8;
const COLLECT_MS = 30_000;
const HOOK_ANNOTATION = "helm.sh/hook";
const RELEASE_ANNOTATION = "meta.helm.sh/release-name";

/** Jobs helm names in its error: Helm 3 `job NAME failed: REASON`, Helm 4 `Job/NS/NAME not ready`. */
export function hookJobsNamedIn(text: string): { namespace?: string; name: string }[] {
  const out: { namespace?: string; name: string }[] = [];
  for (const m of text.matchAll(/\bjob ([a-z0-9][-a-z0-9.]*) failed\b/g)) out.push({ name: m[1] as string });
  for (const m of text.matchAll(/\bJob\/([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9.]*)/g))
    out.push({ namespace: m[1] as string, name: m[2] as string });
  return out;
}

/** True when helm's error is about a hook (pre/post install/upgrade/rollback/delete). */
export function isHookFailure(text: string): boolean {
  return /hooks? failed|failed (pre|post)-(install|upgrade|rollback|delete)/i.test(text);
}

interface Lookup {
  release: string;
  /** The revision the failed command created. */
  revision: number;
  /** When the command started: a Job only marked with the release annotation must be newer. */
  since: Date;
}

/** The hooks helm recorded for the revision (best effort: a release removed by --atomic has none). */
async function recordedHooks(ctx: ActionContext, inv: HelmInvocation, look: Lookup) {
  const d = deadline(ctx.signal, COLLECT_MS);
  try {
    const argv = ["status", look.release, "--revision", String(look.revision), "--output", "json"];
    const rel = parseJson<{ hooks?: HookJson[] }>(await runHelm(ctx, d, inv, argv), "status");
    return hookRuns(rel.hooks).filter((h) => h.kind === "Job");
  } catch {
    return [];
  } finally {
    d.clear();
  }
}

function failedCondition(job: V1Job) {
  return job.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
}

function completed(job: V1Job): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");
}

async function jobsIn(c: KubeClients, namespace: string): Promise<V1Job[]> {
  const { BatchV1Api } = await import("@kubernetes/client-node");
  try {
    return (await c.api(BatchV1Api).listNamespacedJob({ namespace })).items;
  } catch (error) {
    throw kubeError(error, `jobs in ${namespace}`);
  }
}

// The tail of a job's newest pods' logs; a pod whose logs cannot be read does not hide the others' failure.
async function jobLogs(ctx: ActionContext, c: KubeClients, job: string): Promise<string> {
  try {
    const pods = (await podsBySelector(c, `job-name=${job}`)).slice(-LOG_PODS);
    const entries = await podLogs(c, pods, { tail: LOG_LINES }, ctx.redactor);
    return joinLogs(entries).slice(-LOG_CHARS);
  } catch (error) {
    return `(the logs of job ${job} could not be read: ${ctx.redactor.redact(messageOf(error))})`;
  }
}

/** The failed hook Jobs of the revision, newest logs included. */
export async function collectFailedHooks(
  ctx: ActionContext,
  args: HelmCommonArgs,
  inv: HelmInvocation,
  errorText: string,
  look: Lookup,
): Promise<FailedHook[]> {
  const named = hookJobsNamedIn(errorText);
  const recorded = await recordedHooks(ctx, inv, look);
  const events = new Map(recorded.map((h) => [h.name, h.events]));
  const wanted = new Set([
    ...named.map((n) => n.name),
    ...recorded.filter((h) => h.phase !== "Succeeded" && h.phase !== "").map((h) => h.name),
  ]);
  const c = await kubeClients(ctx, args);
  const namespaces = new Set([c.namespace, ...named.flatMap((n) => (n.namespace ? [n.namespace] : []))]);
  const found: FailedHook[] = [];
  for (const namespace of namespaces) {
    for (const job of await jobsIn(c, namespace)) {
      const meta = job.metadata ?? {};
      const name = meta.name ?? "";
      const notes = meta.annotations ?? {};
      if (!notes[HOOK_ANNOTATION]) continue;
      const created = new Date(meta.creationTimestamp ?? 0).getTime();
      const ours =
        wanted.has(name) ||
        (notes[RELEASE_ANNOTATION] === look.release && created >= look.since.getTime() - 5_000);
      if (!ours) continue;
      const failed = failedCondition(job);
      if (!failed && (completed(job) || !wanted.has(name))) continue;
      const logs = await jobLogs(ctx, { ...c, namespace }, name);
      found.push({
        job: name,
        namespace,
        events:
          events.get(name) ??
          String(notes[HOOK_ANNOTATION])
            .split(",")
            .map((e) => e.trim()),
        reason: failed?.reason ?? "Unfinished",
        message: ctx.redactor.redact(
          failed?.message ??
            `still running when helm gave up (${job.status?.active ?? 0} active, ${job.status?.failed ?? 0} failed pod(s))`,
        ),
        logs,
      });
    }
  }
  return found.sort((a, b) => a.job.localeCompare(b.job));
}

/** A few lines per failed hook for the error message (the journal and `rbx status` show the message). */
export function failedHooksSummary(hooks: readonly FailedHook[]): string {
  return hooks
    .map((h) => {
      const lines = h.logs
        .split("\n")
        .filter((l) => l.trim() && !l.startsWith("==> "))
        .slice(-MESSAGE_LINES)
        .map((l) => `  | ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`);
      const head = `Failed hook job ${h.namespace}/${h.job} (${h.events.join(",")}): ${h.reason}${h.message ? ` — ${h.message}` : ""}`;
      return [head, ...(lines.length ? lines : ["  | (no log lines)"])].join("\n");
    })
    .join("\n");
}

/**
 * The error to throw for a failed helm command: when it failed in a hook, the same error with the failed
 * hook Jobs in `details.failedHooks` and their last log lines appended to the message.
 */
export async function withFailedHooks(
  ctx: ActionContext,
  args: HelmCommonArgs,
  inv: HelmInvocation,
  error: unknown,
  look: Lookup,
): Promise<unknown> {
  if (!isActionError(error, "helm-failed") || ctx.signal.aborted || !isHookFailure(error.message))
    return error;
  let hooks: FailedHook[] = [];
  let problem: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    hooks = await Promise.race([
      collectFailedHooks(ctx, args, inv, error.message, look),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`gave up after ${COLLECT_MS / 1000} s`)), COLLECT_MS);
      }),
    ]);
  } catch (cause) {
    problem = ctx.redactor.redact(messageOf(cause));
  } finally {
    clearTimeout(timer);
  }
  const note = problem
    ? `\n(the failed hook jobs' logs could not be read: ${problem})`
    : hooks.length
      ? `\n${failedHooksSummary(hooks)}`
      : "";
  return new ActionError(error.code, `${error.message}${note}`, {
    cause: error.cause ?? error,
    details: {
      ...(error.details ?? {}),
      failedHooks: hooks,
      ...(problem ? { failedHooksError: problem } : {}),
    },
  });
}
