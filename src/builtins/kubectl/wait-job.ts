// kubectl.waitJob: wait until Jobs (by name or selector) complete or fail; a failed job's pod logs are captured.
import type { V1Job } from "@kubernetes/client-node";
import { type ActionContext, defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import { durationOr, durationSchema, goDuration } from "../shared/duration-field.js";
import { diagnosePods } from "./diagnose.js";
import { type KubeCommonArgs, kubeCommonFields, pollIntervalField, pollMs } from "./fields.js";
import { type KubeClients, kubeClients, planNamespace } from "./kube-client.js";
import { isNotFound, kubeError } from "./kube-errors.js";
import { joinLogs, type LogEntry, logEntryType, podLogs, podsBySelector } from "./pod-logs.js";
import { pollUntil, unanswered } from "./poll.js";

/** Arguments of kubectl.waitJob: `name` or `selector`. */
export interface WaitJobArgs extends KubeCommonArgs {
  name?: string;
  selector?: string;
  allowFailure?: boolean;
  logsTail?: number;
  timeout?: string | number;
  pollInterval?: string | number;
}

/** One job's outcome. */
export interface JobResult {
  name: string;
  status: "complete" | "failed" | "running";
  succeeded: number;
  failed: number;
  active: number;
  reason: string;
  message: string;
}

/** Output of kubectl.waitJob. */
export interface WaitJobOutput {
  status: "complete" | "failed";
  jobs: JobResult[];
  logs: LogEntry[];
}

const API = "the Kubernetes API";

function resultOf(job: V1Job): JobResult {
  const conds = job.status?.conditions ?? [];
  const done = conds.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  return {
    name: job.metadata?.name ?? "",
    status: done?.type === "Complete" ? "complete" : done?.type === "Failed" ? "failed" : "running",
    succeeded: job.status?.succeeded ?? 0,
    failed: job.status?.failed ?? 0,
    active: job.status?.active ?? 0,
    reason: done?.reason ?? "",
    message: done?.message ?? "",
  };
}

async function readJobs(c: KubeClients, args: WaitJobArgs): Promise<V1Job[]> {
  const { BatchV1Api } = await import("@kubernetes/client-node");
  const batch = c.api(BatchV1Api);
  try {
    if (args.name) return [await batch.readNamespacedJob({ name: args.name, namespace: c.namespace })];
    return (await batch.listNamespacedJob({ namespace: c.namespace, labelSelector: args.selector ?? "" }))
      .items;
  } catch (error) {
    if (args.name && isNotFound(error)) return [];
    throw kubeError(
      error,
      args.name ? `job ${c.namespace}/${args.name}` : `jobs ${c.namespace} -l ${args.selector}`,
    );
  }
}

async function waitJobs(ctx: ActionContext, args: WaitJobArgs): Promise<WaitJobOutput> {
  if (!args.name === !args.selector)
    throw new ActionError("invalid-arguments", "Give exactly one of `name` or `selector`");
  const c = await kubeClients(ctx, args);
  const timeoutMs = durationOr(args.timeout, 600_000);
  const d = deadline(ctx.signal, timeoutMs);
  const what = args.name ? `job ${c.namespace}/${args.name}` : `jobs ${c.namespace} -l ${args.selector}`;
  let progress = "";
  try {
    const jobs = await pollUntil(
      { d, intervalMs: pollMs(args.pollInterval), what: `waiting for ${what}`, target: API, log: ctx.log },
      async () => {
        const results = (await readJobs(c, args)).map(resultOf);
        const running = results.filter((r) => r.status === "running");
        const line = results.length
          ? `${results.length - running.length}/${results.length} job(s) finished${running.length ? `, waiting for ${running.map((r) => r.name).join(", ")}` : ""}`
          : `waiting for ${what} to exist`;
        if (line !== progress) ctx.log.progress(line);
        progress = line;
        return results.length && running.length === 0 ? results : undefined;
      },
      async (reach) => {
        const within = `${what} did not finish within ${goDuration(timeoutMs)}`;
        const gone = unanswered(reach, API);
        if (gone)
          return new ActionError(
            gone.code,
            `${within}: ${gone.clause}${progress ? `; last seen: ${progress}` : ""}`,
          );
        return new ActionError("job-timeout", `${within}: ${progress}`);
      },
    );
    const failed = jobs.filter((j) => j.status === "failed");
    const logs: LogEntry[] = [];
    for (const job of failed) {
      const pods = await podsBySelector(c, `job-name=${job.name}`);
      logs.push(...(await podLogs(c, pods, { tail: args.logsTail ?? 100 }, ctx.redactor)));
    }
    const out: WaitJobOutput = { status: failed.length ? "failed" : "complete", jobs, logs };
    if (failed.length && !args.allowFailure) {
      const why = failed.map((j) => `${j.name}: ${j.reason}${j.message ? ` (${j.message})` : ""}`).join("; ");
      // The message ends with the last lines of the logs; the whole tails stay in details (bounded).
      const lastLines = joinLogs(logs).trimEnd().split("\n").slice(-12).join("\n");
      throw new ActionError("job-failed", `${what} failed — ${why}${lastLines ? `\n${lastLines}` : ""}`, {
        details: { ...out },
      });
    }
    ctx.log.info(`${what}: ${out.status}`);
    return out;
  } finally {
    d.clear();
    c.close();
  }
}

/** Wait for migration Jobs (e.g. helm hooks run by hand) and keep a failed job's logs. */
export const kubectlWaitJob = defineAction<WaitJobArgs, WaitJobOutput>({
  name: "kubectl.waitJob",
  effect: "read",
  summary:
    "Wait until a Job (or every Job matching a selector) completes or fails; failed jobs' logs are captured.",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    oneOf: [
      { required: ["name"], properties: { name: { type: "string" } } },
      { required: ["selector"], properties: { selector: { type: "string" } } },
    ],
    properties: {
      name: { type: "string", examples: ["kryton-migrate"], description: "The Job's name." },
      selector: {
        type: "string",
        examples: ["app.kubernetes.io/component=migration"],
        description: "A label selector: wait for every matching Job (at least one).",
      },
      allowFailure: {
        type: "boolean",
        default: false,
        description: "Return a failed job as output (status failed, logs) instead of failing the step.",
      },
      logsTail: {
        type: "integer",
        minimum: 1,
        maximum: 10000,
        default: 100,
        examples: [200],
        description: "Log lines kept per container.",
      },
      timeout: {
        ...durationSchema,
        examples: ["20m"],
        description: "Give up after this long (default 10m).",
      },
      pollInterval: pollIntervalField,
      ...kubeCommonFields,
    },
  },
  output: T.object("kubectl.waitJob.output", {
    status: T.string,
    jobs: T.list(
      T.object("kubectl.jobResult", {
        name: T.string,
        status: T.string,
        succeeded: T.int,
        failed: T.int,
        active: T.int,
        reason: T.string,
        message: T.string,
      }),
    ),
    logs: T.list(logEntryType),
  }),
  plan(args, ctx) {
    const target = args.name ? `job/${args.name}` : `job -l ${args.selector}`;
    const timeout = goDuration(durationOr(args.timeout, 600_000));
    return [
      {
        kind: "command",
        text: `kubectl wait --for=condition=complete ${target} -n ${planNamespace(ctx, args)} --timeout=${timeout}  # via the Kubernetes API; fails fast on condition=failed`,
      },
    ];
  },
  run: waitJobs,
  diagnose: (ctx, args) =>
    diagnosePods(
      ctx,
      args,
      args.name ? `job-name=${args.name}` : (args.selector ?? ""),
      args.name ? `pods of job ${args.name}` : `pods of jobs -l ${args.selector}`,
    ),
});
