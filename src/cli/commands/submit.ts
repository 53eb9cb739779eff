// `rbx submit FILE --namespace NS`: run a runbook as a Kubernetes Job; `--in-pod` is that Job's pod.
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { builtinCatalog } from "../../builtins/index.js";
import { JOB_ENV, POD_EXIT } from "../../kube-jobs/job-objects.js";
import { connectKube, kubeMessage } from "../../kube-jobs/kube-api.js";
import { drainOnSignals } from "../../kube-jobs/pod-drain.js";
import { readPodRun } from "../../kube-jobs/pod-env.js";
import { podExitCode, runInPod } from "../../kube-jobs/pod-run.js";
import { submitRunJob } from "../../kube-jobs/submit-run-job.js";
import { type RunJobOutcome, watchRunJob } from "../../kube-jobs/watch-run-job.js";
import { rbxPackage } from "../../package-root.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import { currentUser, storeChoice } from "../operator.js";
import { cliSession } from "../operator-session.js";
import { cliCatalog } from "../project-catalog.js";
import { paramOptions, readParams, withStore } from "../run-options.js";

/** Shown by `rbx submit --help`. */
export const usage = `Usage: rbx submit FILE --namespace NS [--param NAME=VALUE]... [--params-file F] [options]

Run a runbook inside the cluster, as a Kubernetes Job, so it survives your laptop closing. The runbook and its
params are checked here first, as \`rbx run\` would (nothing runs); then the Job is created in NS with the
runbook in a ConfigMap, the secret params, the runbook's secret env and the store URL in a Secret, and a
ServiceAccount with only the rights the runbook's Kubernetes steps need (a Role in each namespace they work in;
see docs/kubernetes-jobs.md). The run lives in the PostgreSQL store: \`rbx status --follow RUN\` shows it from
any machine. If the pod dies (deleted, evicted, node lost), the Job's next pod resumes the same run — a step
it was in the middle of is settled by its probe, never blindly repeated.

Prints the run id and the Job's name, waits (up to 5 minutes) for a pod to start the run, and says so; with
--follow it goes on until the Job ends.

Options:
  --namespace NS        where the Job, its ConfigMap, Secret and ServiceAccount go (required)
  --param NAME=VALUE    a param (repeatable); secret params come from the environment (from: env.NAME)
  --params-file F       params from a JSON or YAML map
  --store URL           the PostgreSQL run store the pod uses and you read (also RBX_STORE, or \`store:\` in
                        .rbx.yaml); required: a pod's state directory dies with it
  --plan-hash H         refuse to submit unless \`rbx plan\` would print this hash now (the pod checks it too)
  --image IMAGE         the rbx image (default rbx:${rbxPackage().version}; build it from the Containerfile)
  --approve ID          approve the approval step ID up front, as yourself (repeatable)
  --approve-all         approve every approval step
  --snapshots-dir DIR   where the pod's snapshot dumps go (default: as for rbx run here); give a path on a
                        volume that outlives the pod, or a rollback in a successor pod cannot restore them
  --service-account SA  run as this existing ServiceAccount instead of one made with the runbook's rights
  --grace-period S      how long a stopping pod may take to finish its current step (terminationGrace-
                        PeriodSeconds, default 120); a step cut off at the end is settled by its probe
  --backoff-limit N     pods the Job may lose before it gives up (default 6)
  --kubeconfig FILE     the kubeconfig to submit with (default KUBECONFIG, else ~/.kube/config)
  --context NAME        its context (default the current one)
  --follow              follow the Job until it ends; exit as \`rbx run\` would for the run's outcome

Exit: 0 submitted (with --follow: the run completed); 1 the run failed or the Job failed; 2 refused (a runbook
or params that do not check, no PostgreSQL store, the cluster refused); 3 (--follow) the run halted for you.
`;

const options = {
  ...paramOptions,
  namespace: { type: "string" },
  store: { type: "string" },
  "plan-hash": { type: "string" },
  image: { type: "string" },
  approve: { type: "string", multiple: true },
  "approve-all": { type: "boolean" },
  "service-account": { type: "string" },
  "snapshots-dir": { type: "string" },
  "backoff-limit": { type: "string" },
  "grace-period": { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  follow: { type: "boolean" },
  "in-pod": { type: "boolean" },
} as const;

/** Run the command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("submit", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (values["in-pod"]) return inPod(io);
  if (positionals.length !== 1 || !values.namespace)
    return usageError(io, "submit", "give exactly one runbook file and --namespace NS");
  const backoff = values["backoff-limit"] === undefined ? 6 : Number(values["backoff-limit"]);
  if (!Number.isInteger(backoff) || backoff < 0)
    return usageError(io, "submit", "--backoff-limit takes a whole number ≥ 0");
  const grace = values["grace-period"] === undefined ? 120 : Number(values["grace-period"]);
  if (!Number.isInteger(grace) || grace < 1)
    return usageError(io, "submit", "--grace-period takes a whole number of seconds ≥ 1");
  const choice = storeChoice(io, values.store ? { store: values.store } : {});
  if ("error" in choice) {
    io.stderr.write(`rbx submit: ${choice.error}\n`);
    return 2;
  }
  if (!choice.url) {
    io.stderr.write(
      "rbx submit: a submitted run needs a PostgreSQL store (--store, RBX_STORE or `store:` in .rbx.yaml): " +
        "its pod's state directory dies with the pod, and you follow the run from the store\n",
    );
    return 2;
  }
  const params = readParams("submit", values, io);
  if (!params) return 2;
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const catalog = await cliCatalog("submit", io, { near: resolve(io.cwd, positionals[0] as string) });
  if (!catalog) return 2;
  let kube: Awaited<ReturnType<typeof connectKube>>;
  try {
    kube = await connectKube(
      {
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(values.context ? { context: values.context } : {}),
      },
      io.env,
    );
  } catch (err) {
    io.stderr.write(`rbx submit: ${kubeMessage(err)}\n`);
    return 2;
  }
  const submitted = await submitRunJob({
    file: positionals[0] as string,
    cwd: io.cwd,
    env: io.env,
    catalog,
    podCatalog: builtinCatalog,
    ...(values["plan-hash"] ? { planHash: values["plan-hash"] } : {}),
    params,
    namespace: values.namespace,
    image: values.image ?? `rbx:${rbxPackage().version}`,
    storeUrl: choice.url,
    approve: values.approve ?? [],
    approveAll: values["approve-all"] ?? false,
    user: currentUser(io.env),
    snapshotsDir: values["snapshots-dir"] ? resolve(io.cwd, values["snapshots-dir"]) : choice.snapshotsDir,
    backoffLimit: backoff,
    gracePeriodSeconds: grace,
    ...(values["service-account"] ? { serviceAccount: values["service-account"] } : {}),
    kube,
    say,
  });
  if (!submitted) return 2;
  say(
    `run ${submitted.runId} submitted as Job ${submitted.namespace}/${submitted.jobName} (plan hash ${submitted.planHash}); ` +
      `follow it: rbx status --follow ${submitted.runId}`,
  );
  io.stdout.write(`${submitted.runId} ${submitted.namespace}/${submitted.jobName}\n`);
  const { openStore } = await import("../operator.js");
  const store = await openStore(choice);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // Wait for a pod to start the run (so `rbx status --follow RUN` finds it), bounded; --follow waits for the end.
  const startLimit = setTimeout(stop, START_WAIT_MS);
  try {
    const watch = {
      kube,
      store,
      namespace: submitted.namespace,
      jobName: submitted.jobName,
      runId: submitted.runId,
      signal: controller.signal,
      onNote: say,
    };
    const started = await watchRunJob({ ...watch, until: "started" });
    clearTimeout(startLimit);
    if (!started) {
      say(
        `run ${submitted.runId} has not started yet (no pod started it within ${START_WAIT_MS / 1000} s); ` +
          `see kubectl describe job ${submitted.jobName} -n ${submitted.namespace}`,
      );
      return 0;
    }
    if (started.job !== "active") return reportEnd(io, started);
    say(`run ${submitted.runId} started in pod of Job ${submitted.jobName}`);
    if (!values.follow) return 0;
    const end = await watchRunJob(watch);
    if (!end) {
      say(`stopped following; run ${submitted.runId} goes on in the cluster`);
      return 0;
    }
    return reportEnd(io, end);
  } finally {
    clearTimeout(startLimit);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await store.close();
  }
}

const START_WAIT_MS = 300_000;

function reportEnd(io: CliIO, end: RunJobOutcome): number {
  io.stdout.write(`run ${end.runId} ${end.status}; Job ${end.job}${end.reason ? ` (${end.reason})` : ""}\n`);
  return end.exit;
}

/** The Job's pod: start or resume the submitted run, and exit as the Job's podFailurePolicy expects. */
async function inPod(io: CliIO): Promise<number> {
  const job = readPodRun(io.env);
  if (typeof job === "string") {
    io.stderr.write(`rbx submit --in-pod: ${job}\n`);
    return 2;
  }
  // What the Job handed over is the pod's own: no step sees it (secret params reach steps only as params).
  const env = Object.fromEntries(
    Object.entries(io.env).filter(
      ([k]) => !Object.values(JOB_ENV).some((j) => j === k && j !== JOB_ENV.store),
    ),
  );
  const podIO: CliIO = { ...io, env };
  const drainSeconds = Number(io.env[JOB_ENV.drainSeconds] ?? "20");
  let status: string | undefined;
  // A store that cannot be reached is transient: the Job retries the pod (exit 75 counts against backoffLimit).
  const exit = await withStore("submit", podIO, {}, POD_EXIT.retry, async (store, choice) => {
    const drain = drainOnSignals((Number.isFinite(drainSeconds) ? drainSeconds : 20) * 1000, (line) =>
      io.stderr.write(`${line}\n`),
    );
    try {
      const opts = cliSession(
        podIO,
        store,
        choice,
        { approve: job.approve, approveAll: job.approveAll },
        drain.signal,
        drain.name,
      );
      const r = await runInPod(job, join(io.env.RBX_STATE_DIR ?? tmpdir(), "runbook"), {
        ...opts,
        onEvent: (e) => {
          opts.onEvent?.(e);
          drain.onEvent(e);
        },
      });
      status = r.status;
      if (r.runId && r.status) io.stdout.write(`${r.runId} ${r.status}\n`);
      return r.exit;
    } finally {
      drain.dispose();
    }
  });
  return podExitCode({ exit, ...(status ? { status } : {}) });
}
