// helm.upgrade: refuse a pending release, then upgrade (or install) with the flags of the detected Helm major.

import { type ActionContext, defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import type { Deadline } from "../shared/deadline.js";
import { durationOr } from "../shared/duration-field.js";
import { diagnoseRelease } from "./diagnose-release.js";
import { withFailedHooks } from "./failed-hooks.js";
import { helmCommonFields, helmTimeoutField, releaseField } from "./fields.js";
import {
  type HelmInvocation,
  helmInvocation,
  helmMajor,
  helmPlan,
  parseJson,
  runHelm,
  withHelm,
} from "./helm-cli.js";
import { type HookJson, type HookRun, hookRuns, hookRunType } from "./hook-runs.js";
import { helmMajorForPlan } from "./plan-major.js";
import { assertNotPending, releaseHistory } from "./release-state.js";
import { probeNewRevision, recordRevision } from "./revision-probe.js";
import { type HelmUpgradeArgs, upgradeArgv } from "./upgrade-args.js";

/** Output of helm.upgrade. */
export interface HelmUpgradeOutput {
  release: string;
  namespace: string;
  revision: number;
  previousRevision: number;
  status: string;
  chart: string;
  appVersion: string;
  helmMajor: number;
  /** The hooks this revision ran (e.g. pre-upgrade migration Jobs), each with helm's phase. */
  hooks: HookRun[];
}

interface ReleaseJson {
  name?: string;
  namespace?: string;
  version?: number;
  info?: { status?: string; description?: string };
  chart?: { metadata?: { name?: string; version?: string; appVersion?: string } };
  hooks?: HookJson[];
}

// The hooks helm recorded for one revision (for an upgrade the probe found done).
async function revisionHooks(
  ctx: ActionContext,
  d: Deadline,
  inv: HelmInvocation,
  release: string,
  revision: number,
): Promise<HookRun[]> {
  const argv = ["status", release, "--revision", String(revision), "--output", "json"];
  return hookRuns(parseJson<ReleaseJson>(await runHelm(ctx, d, inv, argv), "status").hooks);
}

function upgradeOnce(ctx: ActionContext, args: HelmUpgradeArgs): Promise<HelmUpgradeOutput> {
  return withHelm(ctx, args, durationOr(args.timeout, 300_000) + 120_000, async (inv, d) => {
    const major = await helmMajor(ctx, d, inv);
    const rows = await releaseHistory(ctx, d, inv, args.release);
    if (!rows && !args.install) {
      throw new ActionError(
        "release-not-found",
        `Release ${args.release} does not exist; set \`install: true\` to install it`,
      );
    }
    assertNotPending(args.release, inv.namespace, rows ?? []);
    const previous = rows?.at(-1)?.revision ?? 0;
    ctx.log.info(
      `helm ${major}: ${rows ? `upgrading ${args.release} from revision ${previous}` : `installing ${args.release}`}`,
    );
    const since = new Date();
    let out: string;
    try {
      out = await runHelm(ctx, d, inv, upgradeArgv(args, major), (line) => ctx.log.progress(line), {
        finishOnInterrupt: true,
      });
    } catch (error) {
      throw await withFailedHooks(ctx, args, inv, error, {
        release: args.release,
        revision: previous + 1,
        since,
      });
    }
    const rel = parseJson<ReleaseJson>(out, "upgrade");
    const meta = rel.chart?.metadata ?? {};
    return {
      release: rel.name ?? args.release,
      namespace: rel.namespace ?? inv.namespace ?? "",
      revision: Number(rel.version ?? 0),
      previousRevision: previous,
      status: rel.info?.status ?? "",
      chart: `${meta.name ?? ""}-${meta.version ?? ""}`,
      appVersion: meta.appVersion ?? "",
      helmMajor: major,
      hooks: hookRuns(rel.hooks),
    };
  });
}

/** Upgrade a release; the probe tells whether an interrupted upgrade produced a new revision. */
export const helmUpgrade = defineAction<HelmUpgradeArgs, HelmUpgradeOutput>({
  name: "helm.upgrade",
  effect: "write",
  summary:
    "helm upgrade (or install) a release; refuses a release stuck in pending-*; atomic and wait on Helm 3 and 4.",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["release", "chart"],
    properties: {
      release: releaseField,
      chart: {
        type: "string",
        minLength: 1,
        examples: ["oci://registry.example.com/charts/kryton"],
        description:
          "oci://registry/path/chart, repo/chart (with `repo`), or a local chart directory or .tgz.",
      },
      version: { type: "string", examples: ["4.6.5"], description: "Chart version (--version); pin it." },
      repo: {
        type: "string",
        examples: ["https://charts.example.com"],
        description: "Chart repository URL (--repo).",
      },
      install: {
        type: "boolean",
        default: false,
        description: "Install when the release does not exist (--install).",
      },
      createNamespace: {
        type: "boolean",
        default: false,
        description: "With install: create the namespace.",
      },
      values: {
        type: "array",
        items: { type: "string" },
        examples: [["values/prod.yaml", "values/prod-eu.yaml"]],
        description: "Values files, applied in this order (--values); later files win.",
      },
      set: {
        type: "object",
        additionalProperties: { type: ["string", "number", "boolean"] },
        examples: [{ "image.tag": "${{ params.targetVersion }}", replicaCount: 3 }],
        description: "Values by path (--set), e.g. { image.tag: v1.2.3 }.",
      },
      setString: {
        type: "object",
        additionalProperties: { type: "string" },
        examples: [{ "podAnnotations.rbx/run": "${{ run.id }}" }],
        description: "Values forced to strings (--set-string).",
      },
      reuseValues: {
        type: "boolean",
        default: false,
        description: "Reuse the last release's values (--reuse-values).",
      },
      resetThenReuseValues: { type: "boolean", default: false, description: "--reset-then-reuse-values." },
      wait: {
        type: "boolean",
        default: false,
        description: "Wait until resources are ready (Helm 3 --wait; Helm 4 --wait=watcher).",
      },
      waitForJobs: {
        type: "boolean",
        default: false,
        description: "Also wait for Jobs to complete (--wait-for-jobs).",
      },
      atomic: {
        type: "boolean",
        default: false,
        description: "Roll back on failure (Helm 3 --atomic; Helm 4 --rollback-on-failure); implies wait.",
      },
      cleanupOnFail: {
        type: "boolean",
        default: false,
        description: "Delete new resources of a failed upgrade.",
      },
      timeout: helmTimeoutField,
      description: {
        type: "string",
        examples: ["upgrade to ${{ params.targetVersion }} by rbx"],
        description: "Release description recorded by helm.",
      },
      ...helmCommonFields,
    },
  },
  output: T.object("helm.upgrade.output", {
    release: T.string,
    namespace: T.string,
    revision: T.int,
    previousRevision: T.int,
    status: T.string,
    chart: T.string,
    appVersion: T.string,
    helmMajor: T.int,
    hooks: T.list(hookRunType),
  }),
  plan(args, ctx) {
    const inv = helmInvocation(ctx, process.env, args);
    const major = helmMajorForPlan(inv.bin);
    const argv = upgradeArgv(args, major ?? 3);
    const note =
      major === undefined
        ? "  # helm not runnable here: Helm 3 flags shown; Helm 4 uses --rollback-on-failure/--wait=watcher"
        : "";
    return helmPlan(ctx, inv, argv, note);
  },
  run: upgradeOnce,
  diagnose: (ctx, args) => diagnoseRelease(ctx, args),
  before: recordRevision,
  probe(ctx, args, before) {
    return probeNewRevision(ctx, args, before, "upgrade", async (last, recorded, inv, d) => {
      if (last.status === "deployed") {
        const output: HelmUpgradeOutput = {
          release: args.release,
          namespace: inv.namespace ?? "",
          revision: last.revision,
          previousRevision: recorded,
          status: last.status,
          chart: last.chart,
          appVersion: last.app_version,
          helmMajor: await helmMajor(ctx, d, inv),
          hooks: await revisionHooks(ctx, d, inv, args.release, last.revision),
        };
        return { state: "done", output };
      }
      return {
        state: "unknown",
        reason: `revision ${last.revision} is ${last.status} ("${last.description}"); inspect it before resuming`,
      };
    });
  },
});
