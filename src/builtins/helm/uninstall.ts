// helm.uninstall: remove a release (the undo of a first install); refuses a release another operation holds.

import { type ActionContext, defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { durationOr, goDuration } from "../shared/duration-field.js";
import { type HelmCommonArgs, helmTimeoutField, releaseInput } from "./fields.js";
import { helmInvocation, helmMajor, helmPlan, runHelm, withHelm } from "./helm-cli.js";
import { helmMajorForPlan } from "./plan-major.js";
import { assertNotPending, releaseHistory } from "./release-state.js";
import { recordRevision } from "./revision-probe.js";

/** Arguments of helm.uninstall. */
export interface HelmUninstallArgs extends HelmCommonArgs {
  release: string;
  wait?: boolean;
  keepHistory?: boolean;
  ignoreNotFound?: boolean;
  timeout?: string | number;
}

/** Output of helm.uninstall. */
export interface HelmUninstallOutput {
  release: string;
  /** False only with `ignoreNotFound` when there was no release to remove. */
  uninstalled: boolean;
  /** The newest revision the release had before it was removed (0 when there was none). */
  lastRevision: number;
}

function uninstallArgv(args: HelmUninstallArgs, major: number): string[] {
  const argv = ["uninstall", args.release];
  if (args.wait) argv.push(major >= 4 ? "--wait=watcher" : "--wait");
  if (args.keepHistory) argv.push("--keep-history");
  argv.push("--timeout", goDuration(durationOr(args.timeout, 300_000)));
  return argv;
}

function uninstall(ctx: ActionContext, args: HelmUninstallArgs): Promise<HelmUninstallOutput> {
  return withHelm(ctx, args, durationOr(args.timeout, 300_000) + 120_000, async (inv, d) => {
    const major = await helmMajor(ctx, d, inv);
    const rows = await releaseHistory(ctx, d, inv, args.release);
    const last = rows?.at(-1);
    if (!last || last.status === "uninstalled") {
      if (args.ignoreNotFound) return { release: args.release, uninstalled: false, lastRevision: 0 };
      throw new ActionError(
        "release-not-found",
        `Release ${args.release} not found${inv.namespace ? ` in ${inv.namespace}` : ""}; nothing to uninstall`,
      );
    }
    // An install left pending is what `helm uninstall` recovers; an upgrade or rollback in flight is not ours.
    if (last.status !== "pending-install") assertNotPending(args.release, inv.namespace, rows ?? []);
    ctx.log.info(`uninstalling ${args.release} (revision ${last.revision}, ${last.status})`);
    await runHelm(ctx, d, inv, uninstallArgv(args, major), (line) => ctx.log.progress(line));
    return { release: args.release, uninstalled: true, lastRevision: last.revision };
  });
}

/** Remove a release and its resources; the probe tells whether an interrupted uninstall happened. */
export const helmUninstall = defineAction<HelmUninstallArgs, HelmUninstallOutput>({
  name: "helm.uninstall",
  effect: "write",
  summary:
    "helm uninstall a release (e.g. to undo a first install); refuses an upgrade or rollback in progress.",
  connectionKinds: ["kubernetes"],
  input: releaseInput({
    wait: {
      type: "boolean",
      default: false,
      description: "Wait until every resource is deleted (Helm 3 --wait; Helm 4 --wait=watcher).",
    },
    keepHistory: {
      type: "boolean",
      default: false,
      description: "Keep the release history, marked uninstalled (--keep-history).",
    },
    ignoreNotFound: {
      type: "boolean",
      default: false,
      description: "A release that does not exist is not an error: output `uninstalled: false`.",
    },
    timeout: helmTimeoutField,
  }),
  output: T.object("helm.uninstall.output", {
    release: T.string,
    uninstalled: T.bool,
    lastRevision: T.int,
  }),
  plan(args, ctx) {
    const inv = helmInvocation(ctx, process.env, args);
    return helmPlan(ctx, inv, uninstallArgv(args, helmMajorForPlan(inv.bin) ?? 3));
  },
  run: uninstall,
  before: recordRevision,
  async probe(ctx, args, before) {
    const recorded = (before as { revision?: number } | null)?.revision;
    if (recorded === undefined)
      return { state: "unknown", reason: "no revision was recorded before the uninstall" };
    return withHelm(ctx, args, 60_000, async (inv, d) => {
      const last = (await releaseHistory(ctx, d, inv, args.release, 1))?.at(-1);
      const output = { release: args.release, uninstalled: recorded > 0, lastRevision: recorded };
      if (!last || last.status === "uninstalled") return { state: "done", output };
      if (last.status === "uninstalling")
        return { state: "unknown", reason: `revision ${last.revision} is still uninstalling` };
      return { state: "not-done" };
    });
  },
});
