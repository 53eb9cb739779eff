// Why pods are not ready: waiting/terminated reasons, restarts and Ready conditions, one line per pod.
import type { V1Pod } from "@kubernetes/client-node";

/** One line per pod that is not ready, e.g. `api-7d9-x2: CrashLoopBackOff (3 restarts): back-off 40s`. */
export function podProblems(pods: readonly V1Pod[]): string[] {
  const lines: string[] = [];
  for (const pod of pods) {
    const st = pod.status;
    const ready = st?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    if (ready || st?.phase === "Succeeded") continue;
    const reasons: string[] = [];
    for (const cs of [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? [])]) {
      const w = cs.state?.waiting;
      const t = cs.state?.terminated ?? cs.lastState?.terminated;
      const restarts = cs.restartCount ? ` (${cs.restartCount} restarts)` : "";
      if (w?.reason) reasons.push(`${cs.name}: ${w.reason}${restarts}${w.message ? `: ${w.message}` : ""}`);
      else if (t?.reason) reasons.push(`${cs.name}: terminated ${t.reason} exit ${t.exitCode}${restarts}`);
      else if (!cs.ready) reasons.push(`${cs.name}: not ready${restarts}`);
    }
    const cond = st?.conditions?.find((c) => c.status === "False" && c.message);
    if (reasons.length === 0 && cond)
      reasons.push(`${cond.type}: ${cond.reason ?? ""} ${cond.message}`.trim());
    if (reasons.length === 0) reasons.push(st?.reason ?? st?.phase ?? "not ready");
    lines.push(`${pod.metadata?.name}: ${reasons.join("; ")}`);
  }
  return lines;
}
