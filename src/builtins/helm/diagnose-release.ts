// A release's pods as the cause of a failure: helm labels what it installs with app.kubernetes.io/instance.
import type { ActionContext, Diagnosis } from "../../contract/action.js";
import { diagnosePods } from "../kubectl/diagnose.js";
import type { HelmCommonArgs } from "./fields.js";

/** The pods of `release` (by the instance label helm charts set), their reasons and failing containers' logs. */
export function diagnoseRelease(
  ctx: ActionContext,
  args: HelmCommonArgs & { release: string },
): Promise<Diagnosis | undefined> {
  return diagnosePods(
    ctx,
    args,
    `app.kubernetes.io/instance=${args.release}`,
    `pods of release ${args.release}`,
  );
}
