// `rbx submit FILE --namespace NS`: run a runbook as a Kubernetes Job; `--in-pod` is that Job's pod.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinCatalog } from "../../builtins/index.js";
import { JOB_ENV } from "../../kube-jobs/job-objects.js";
import { connectKube, kubeMessage } from "../../kube-jobs/kube-api.js";
import { readPodRun } from "../../kube-jobs/pod-env.js";
import { podExitCode, runInPod } from "../../kube-jobs/pod-run.js";
import { submitRunJob } from "../../kube-jobs/submit-run-job.js";
import { watchRunJob } from "../../kube-jobs/watch-run-job.js";
import { rbxPackage } from "../../package-root.js";
import { parseCommandLine } from "../command-line.js";
import type { CliIO } from "../io.js";
import { currentUser, storeChoice } from "../operator.js";
import { driveRun, paramOptions, readParams } from "../run-options.js";

/** Shown by `rbx submit --help`. */
export const usage = `Usage: rbx submit FILE --namespace NS [--param NAME=VALUE]... [--params-file F] [options]

Run a runbook inside the cluster, as a Kubernetes Job, so it survives your laptop closing. The runbook and its
params are checked here first, as \`rbx run\` would (nothing runs); then the Job is created in NS with the
runbook in a ConfigMap, the secret params, the runbook's secret env and the store URL in a Secret, and a
ServiceAccount with only the rights the runbook's Kubernetes steps need (a Role in each namespace they work in;
see docs/kubernetes-jobs.md). The run lives in the PostgreSQL store: \`rbx status --follow RUN\` shows it from
any machine. If the pod dies (deleted, evicted, node lost), the Job's next pod resumes the same run — a step
it was in the middle of is settled by its probe, never blindly repeated.

Prints the run id and the Job's name, then (with --follow) follows the run until the Job ends.

Options:
  --namespace NS        where the Job, its ConfigMap, Secret and ServiceAccount go (required)
  --param NAME=VALUE    a param (repeatable); secret params come from the environment (from: env.NAME)
  --params-file F       params from a JSON or YAML map
  --store URL           the PostgreSQL run store the pod uses and you read (also RBX_STORE, or \`store:\` in
                        .rbx.yaml); required: a pod's state directory dies with it
  --image IMAGE         the rbx image (default rbx:${rbxPackage().version}; build it from the Containerfile)
  --approve ID          approve the approval step ID up front, as yourself (repeatable)
  --approve-all         approve every approval step
  --service-account SA  run as this existing ServiceAccount instead of one made with the runbook's rights
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
  image: { type: "string" },
  approve: { type: "string", multiple: true },
  "approve-all": { type: "boolean" },
  "service-account": { type: "string" },
  "backoff-limit": { type: "string" },
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
  if (positionals.length !== 1 || !values.namespace) {
    io.stderr.write(`rbx submit: give exactly one runbook file and --namespace\n${usage}`);
    return 2;
  }
  const backoff = values["backoff-limit"] === undefined ? 6 : Number(values["backoff-limit"]);
  if (!Number.isInteger(backoff) || backoff < 0) {
    io.stderr.write(`rbx submit: --backoff-limit takes a whole number ≥ 0\n`);
    return 2;
  }
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
  const params = await readParams("submit", values, io);
  if (!params) return 2;
  const say = (line: string) => io.stderr.write(`${line}\n`);
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
    catalog: builtinCatalog,
    params,
    namespace: values.namespace,
    image: values.image ?? `rbx:${rbxPackage().version}`,
    storeUrl: choice.url,
    approve: values.approve ?? [],
    approveAll: values["approve-all"] ?? false,
    user: currentUser(io.env),
    backoffLimit: backoff,
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
  if (!values.follow) return 0;
  const { openStore } = await import("../operator.js");
  const store = await openStore(choice);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const end = await watchRunJob({
      kube,
      store,
      namespace: submitted.namespace,
      jobName: submitted.jobName,
      runId: submitted.runId,
      signal: controller.signal,
      onNote: say,
    });
    if (!end) {
      say(`stopped following; run ${submitted.runId} goes on in the cluster`);
      return 0;
    }
    io.stdout.write(
      `run ${end.runId} ${end.status}; Job ${end.job}${end.reason ? ` (${end.reason})` : ""}\n`,
    );
    return end.exit;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await store.close();
  }
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
  let status: string | undefined;
  const exit = await driveRun(
    "submit",
    podIO,
    { approve: job.approve, "approve-all": job.approveAll },
    undefined,
    async (opts) => {
      const r = await runInPod(job, join(io.env.RBX_STATE_DIR ?? tmpdir(), "runbook"), opts);
      status = r.status;
      return r;
    },
  );
  return podExitCode({ exit, ...(status ? { status } : {}) });
}
