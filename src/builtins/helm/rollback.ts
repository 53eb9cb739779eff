// helm.rollback: return a release to a recorded revision (or the previous one); refuses pending states by default.

import { type ActionContext, defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { durationOr, goDuration } from "../shared/duration-field.js";
import { diagnoseRelease } from "./diagnose-release.js";
import { type HelmCommonArgs, helmTimeoutField, releaseInput } from "./fields.js";
import { helmInvocation, helmMajor, helmPlan, runHelm, withHelm } from "./helm-cli.js";
import { helmMajorForPlan } from "./plan-major.js";
import { assertNotPending, releaseHistory } from "./release-state.js";
import { probeNewRevision, recordRevision } from "./revision-probe.js";

/** Arguments of helm.rollback. */
export interface HelmRollbackArgs extends HelmCommonArgs {
  release: string;
  revision?: number;
  wait?: boolean;
  cleanupOnFail?: boolean;
  force?: boolean;
  timeout?: string | number;
  recoverPending?: boolean;
}

/** Output of helm.rollback. */
export interface HelmRollbackOutput {
  release: string;
  revision: number;
  rolledBackTo: number;
  status: string;
}

function rollbackArgv(args: HelmRollbackArgs, major: number): string[] {
  const argv = ["rollback", args.release];
  if (args.revision) argv.push(String(args.revision));
  if (args.wait) argv.push(major >= 4 ? "--wait=watcher" : "--wait");
  if (args.cleanupOnFail) argv.push("--cleanup-on-fail");
  if (args.force) argv.push(major >= 4 ? "--force-replace" : "--force");
  argv.push("--timeout", goDuration(durationOr(args.timeout, 300_000)));
  return argv;
}

function rollback(ctx: ActionContext, args: HelmRollbackArgs): Promise<HelmRollbackOutput> {
  return withHelm(ctx, args, durationOr(args.timeout, 300_000) + 120_000, async (inv, d) => {
    const major = await helmMajor(ctx, d, inv);
    const rows = await releaseHistory(ctx, d, inv, args.release);
    if (!rows?.length)
      throw new ActionError("release-not-found", `Release ${args.release} not found; nothing to roll back`);
    if (!args.recoverPending) assertNotPending(args.release, inv.namespace, rows);
    if (args.revision && !rows.some((r) => r.revision === args.revision)) {
      throw new ActionError(
        "revision-not-found",
        `Release ${args.release} has no revision ${args.revision} (kept: ${rows.map((r) => r.revision).join(", ")})`,
      );
    }
    const before = rows.at(-1)?.revision ?? 0;
    ctx.log.info(
      `rolling ${args.release} back from revision ${before} to ${args.revision ?? "the previous one"}`,
    );
    await runHelm(ctx, d, inv, rollbackArgv(args, major), (line) => ctx.log.progress(line), {
      finishOnInterrupt: true,
    });
    const last = (await releaseHistory(ctx, d, inv, args.release, 1))?.at(-1);
    const to = Number(/Rollback to (\d+)/.exec(last?.description ?? "")?.[1] ?? args.revision ?? 0);
    return {
      release: args.release,
      revision: last?.revision ?? 0,
      rolledBackTo: to,
      status: last?.status ?? "",
    };
  });
}

/** Undo an upgrade by creating a new revision from an old one. */
export const helmRollback = defineAction<HelmRollbackArgs, HelmRollbackOutput>({
  name: "helm.rollback",
  effect: "write",
  summary:
    "helm rollback to a revision (default: the previous one); the probe checks for the new 'Rollback to N' revision.",
  connectionKinds: ["kubernetes"],
  input: releaseInput({
    revision: {
      type: "integer",
      minimum: 1,
      examples: ["${{ steps.history.output.current.revision }}"],
      description:
        "Revision to return to, e.g. steps.<history>.output.current.revision (default: the previous one).",
    },
    wait: {
      type: "boolean",
      default: false,
      description: "Wait until resources are ready (Helm 4: --wait=watcher).",
    },
    cleanupOnFail: { type: "boolean", default: false, description: "--cleanup-on-fail." },
    force: {
      type: "boolean",
      default: false,
      description: "Replace resources (Helm 3 --force, Helm 4 --force-replace).",
    },
    recoverPending: {
      type: "boolean",
      default: false,
      description:
        "Allow rolling back a release stuck in pending-* (the documented recovery); otherwise refuse.",
    },
    timeout: helmTimeoutField,
  }),
  output: T.object("helm.rollback.output", {
    release: T.string,
    revision: T.int,
    rolledBackTo: T.int,
    status: T.string,
  }),
  plan(args, ctx) {
    const inv = helmInvocation(ctx, process.env, args);
    return helmPlan(ctx, inv, rollbackArgv(args, helmMajorForPlan(inv.bin) ?? 3));
  },
  run: rollback,
  diagnose: (ctx, args) => diagnoseRelease(ctx, args),
  before: recordRevision,
  probe(ctx, args, before) {
    return probeNewRevision(ctx, args, before, "rollback", async (last) => {
      const to = /Rollback to (\d+)/.exec(last.description)?.[1];
      if (!to)
        return {
          state: "unknown",
          reason: `revision ${last.revision} is not a rollback ("${last.description}")`,
        };
      if (last.status !== "deployed")
        return { state: "unknown", reason: `rollback revision ${last.revision} is ${last.status}` };
      return {
        state: "done",
        output: {
          release: args.release,
          revision: last.revision,
          rolledBackTo: Number(to),
          status: last.status,
        },
      };
    });
  },
});
