// What a submitted run's pod reads from its environment (the ConfigMap and Secret `rbx submit` made).
import { JOB_ENV } from "./job-objects.js";

/** The submitted run as its pod sees it. */
export interface PodRun {
  runId: string;
  runbookFile: string;
  runbookText: string;
  params: Record<string, unknown>;
  secretParams: Record<string, unknown>;
  planHash: string;
  approve: string[];
  approveAll: boolean;
}

/** Read the pod's environment; a string says what is missing (the pod was not made by `rbx submit`). */
export function readPodRun(env: Readonly<Record<string, string | undefined>>): PodRun | string {
  const missing = [
    JOB_ENV.runId,
    JOB_ENV.runbook,
    JOB_ENV.params,
    JOB_ENV.secretParams,
    JOB_ENV.store,
  ].filter((k) => env[k] === undefined);
  if (missing.length > 0) return `this is not a pod of a submitted run: ${missing.join(", ")} not set`;
  const json = (key: string): Record<string, unknown> | string => {
    try {
      const v = JSON.parse(env[key] ?? "{}") as unknown;
      return typeof v === "object" && v !== null && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : `${key} is not a JSON map`;
    } catch {
      return `${key} is not JSON`;
    }
  };
  const params = json(JOB_ENV.params);
  const secretParams = json(JOB_ENV.secretParams);
  if (typeof params === "string") return params;
  if (typeof secretParams === "string") return secretParams;
  const approve = (env[JOB_ENV.approve] ?? "").split(",").filter((s) => s !== "");
  const name = env[JOB_ENV.runbookName] ?? "runbook.rb.yaml";
  return {
    runId: env[JOB_ENV.runId] as string,
    runbookFile: /^[A-Za-z0-9._-]+$/.test(name) ? name : "runbook.rb.yaml",
    runbookText: env[JOB_ENV.runbook] as string,
    params,
    secretParams,
    planHash: env[JOB_ENV.planHash] ?? "",
    approve: approve.filter((a) => a !== "*"),
    approveAll: approve.includes("*"),
  };
}
