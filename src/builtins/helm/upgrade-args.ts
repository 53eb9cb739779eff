// helm upgrade's argument vector, mapping rbx's fields onto Helm 3 and Helm 4 flags.
import { ActionError } from "../shared/action-error.js";
import { durationOr, goDuration } from "../shared/duration-field.js";
import type { HelmCommonArgs } from "./fields.js";

/** Arguments of helm.upgrade. */
export interface HelmUpgradeArgs extends HelmCommonArgs {
  release: string;
  chart: string;
  version?: string;
  repo?: string;
  install?: boolean;
  createNamespace?: boolean;
  values?: string[];
  set?: Record<string, string | number | boolean>;
  setString?: Record<string, string>;
  reuseValues?: boolean;
  resetThenReuseValues?: boolean;
  wait?: boolean;
  waitForJobs?: boolean;
  atomic?: boolean;
  cleanupOnFail?: boolean;
  timeout?: string | number;
  description?: string;
}

// helm --set splits on commas and treats backslashes as escapes: protect them inside values.
function setValue(v: string | number | boolean): string {
  return String(v).replace(/\\/g, "\\\\").replace(/,/g, "\\,");
}

function setPairs(flag: string, values: Record<string, string | number | boolean> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(values ?? {})) {
    if (!/^[^=,]+$/.test(k))
      throw new ActionError("invalid-set-key", `"${k}" is not a values path for ${flag}`);
    out.push(flag, `${k}=${setValue(v)}`);
  }
  return out;
}

/** The upgrade's argv (without global flags); `major` picks --atomic/--wait (3) or --rollback-on-failure/--wait=watcher (4). */
export function upgradeArgv(args: HelmUpgradeArgs, major: number): string[] {
  const argv = ["upgrade", args.release, args.chart];
  if (args.install) argv.push("--install");
  if (args.install && args.createNamespace) argv.push("--create-namespace");
  if (args.version) argv.push("--version", args.version);
  if (args.repo) argv.push("--repo", args.repo);
  for (const file of args.values ?? []) argv.push("--values", file);
  argv.push(...setPairs("--set", args.set), ...setPairs("--set-string", args.setString));
  if (args.reuseValues) argv.push("--reuse-values");
  if (args.resetThenReuseValues) argv.push("--reset-then-reuse-values");
  const wait = args.wait === true || (args.atomic === true && args.wait !== false);
  if (major >= 4) {
    if (wait) argv.push("--wait=watcher");
    if (args.atomic) argv.push("--rollback-on-failure");
  } else {
    if (wait) argv.push("--wait");
    if (args.atomic) argv.push("--atomic");
  }
  if (args.waitForJobs) argv.push("--wait-for-jobs");
  if (args.cleanupOnFail) argv.push("--cleanup-on-fail");
  if (args.description) argv.push("--description", args.description);
  argv.push("--timeout", goDuration(durationOr(args.timeout, 300_000)), "--output", "json");
  return argv;
}
