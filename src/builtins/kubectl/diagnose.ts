// The cause of a failed wait, from the cluster: the workload's pods (phase, restarts, waiting reasons, last exit)
// and the last log lines of each failing container — collected best-effort, bounded in time, redacted.
import type { V1Pod } from "@kubernetes/client-node";
import type { ActionContext, DiagnosedPod, Diagnosis } from "../../contract/action.js";
import { messageOf } from "../shared/action-error.js";
import { type KubeClients, kubeClients } from "./kube-client.js";
import { answerWithin } from "./poll.js";

const API = "the Kubernetes API";
const MAX_PODS = 6;
const MAX_LOG_CONTAINERS = 3;
const LOG_LINES = 15;
const LINE_CHARS = 300;
const REQUEST_MS = 5_000;

function podOf(pod: V1Pod): DiagnosedPod & { failing: string[] } {
  const st = pod.status;
  const statuses = [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? [])];
  const ready = st?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  const out: DiagnosedPod & { failing: string[] } = {
    name: pod.metadata?.name ?? "",
    phase: st?.phase ?? "Unknown",
    ready,
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    failing: [],
  };
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    const term = c.state?.terminated ?? c.lastState?.terminated;
    if (!out.reason && waiting?.reason) {
      out.reason = waiting.reason;
      if (waiting.message) out.message = waiting.message;
    } else if (!out.reason && c.state?.terminated?.reason && c.state.terminated.exitCode !== 0) {
      out.reason = c.state.terminated.reason;
    }
    if (term && !out.lastExit && (term.exitCode ?? 0) !== 0)
      out.lastExit = `exit ${term.exitCode}${term.reason ? ` (${term.reason})` : ""}`;
    if (!c.ready || waiting || (c.restartCount ?? 0) > 0) out.failing.push(c.name);
  }
  if (!ready && out.failing.length === 0)
    out.failing.push(...(pod.spec?.containers ?? []).map((c) => c.name));
  return out;
}

/** The last lines of a container's log (its previous run when it is restarting), clipped and redacted. */
async function logTail(
  ctx: ActionContext,
  c: KubeClients,
  pod: string,
  container: string,
  previous: boolean,
): Promise<string[]> {
  const read = (prev: boolean) =>
    answerWithin(
      c.core.readNamespacedPodLog({
        name: pod,
        namespace: c.namespace,
        container,
        tailLines: LOG_LINES,
        ...(prev ? { previous: true } : {}),
      }),
      REQUEST_MS,
      API,
    );
  let text: string;
  try {
    text = String((await read(previous)) ?? "");
  } catch (error) {
    if (!previous) throw error;
    text = String((await read(false)) ?? "");
  }
  return ctx.redactor
    .redact(text)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-LOG_LINES)
    .map(readable)
    .map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)}…` : l));
}

/** A structured (JSON) log line as its level, message and error: `error migration failed: relation … does not exist`. */
export function readable(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const msg = o.msg ?? o.message;
    if (typeof msg !== "string") return line;
    const level = typeof (o.level ?? o.severity) === "string" ? `${o.level ?? o.severity} ` : "";
    const error = o.error ?? o.err;
    return `${level}${msg}${typeof error === "string" && error ? `: ${error}` : ""}`;
  } catch {
    return line;
  }
}

/**
 * The pods matching `labelSelector` (not-ready ones first) and the log tails of their failing containers.
 * Undefined when there are no pods or the cluster cannot be read (a diagnosis never fails the step twice).
 */
export async function diagnosePods(
  ctx: ActionContext,
  args: { connection?: string; namespace?: string },
  labelSelector: string,
  target: string,
): Promise<Diagnosis | undefined> {
  let c: KubeClients | undefined;
  try {
    c = await kubeClients(ctx, args);
    const list = await answerWithin(
      c.core.listNamespacedPod({ namespace: c.namespace, labelSelector }),
      REQUEST_MS,
      API,
    );
    const pods = (list.items as V1Pod[])
      .map(podOf)
      .sort((a, b) => Number(a.ready) - Number(b.ready) || a.name.localeCompare(b.name))
      .slice(0, MAX_PODS);
    if (pods.length === 0) return undefined;
    const logs: Diagnosis["logs"] = [];
    const clients = c;
    for (const p of pods.filter((x) => x.failing.length > 0 && x.phase !== "Pending")) {
      for (const container of p.failing) {
        if (logs.length >= MAX_LOG_CONTAINERS) break;
        const previous = p.restarts > 0 && p.reason === "CrashLoopBackOff";
        try {
          logs.push({
            pod: p.name,
            container,
            previous,
            lines: await logTail(ctx, clients, p.name, container, previous),
          });
        } catch (error) {
          logs.push({
            pod: p.name,
            container,
            previous,
            lines: [`(its log could not be read: ${ctx.redactor.redact(messageOf(error))})`],
          });
        }
      }
    }
    return {
      target: `${target} in ${c.namespace}`,
      pods: pods.map(({ failing: _f, ...p }) => ({
        ...p,
        ...(p.message ? { message: ctx.redactor.redact(p.message) } : {}),
      })),
      logs,
    };
  } catch {
    return undefined;
  } finally {
    c?.close();
  }
}
