// The rule registry: every lint rule, in the order the docs list them.
import type { LintRule } from "../rule.js";
import { approvalWithoutTimeout } from "./approval-without-timeout.js";
import { atomicWithRollbackBoundary } from "./atomic-with-rollback-boundary.js";
import { boundaryWriteWithoutUndo } from "./boundary-write-without-undo.js";
import { constantCondition } from "./constant-condition.js";
import { floatingImageTag } from "./floating-image-tag.js";
import { helmReuseValues } from "./helm-reuse-values.js";
import { helmUpgradeWithoutWaitOrTimeout } from "./helm-upgrade-without-wait-or-timeout.js";
import { insecureHttpCheck } from "./insecure-http-check.js";
import { patchWithoutWait } from "./patch-without-wait.js";
import { retryOnUnprobedWrite } from "./retry-on-unprobed-write.js";
import { retryWithoutTimeout } from "./retry-without-timeout.js";
import { rollbackReadsUnavailableOutput } from "./rollback-reads-unavailable-output.js";
import { rollbackRestoreBeforeApp } from "./rollback-restore-before-app.js";
import { rollbackUnverified } from "./rollback-unverified.js";
import { secretInHelmValues } from "./secret-in-helm-values.js";
import { secretLiteral } from "./secret-literal.js";
import { secretParamLeak } from "./secret-param-leak.js";
import { secretParamUntyped } from "./secret-param-untyped.js";
import { snapshotUnverified } from "./snapshot-unverified.js";
import { sqlConcurrentlyInTransaction } from "./sql-concurrently-in-transaction.js";
import { sqlConstraintNotValid } from "./sql-constraint-not-valid.js";
import { sqlIndexNotConcurrent } from "./sql-index-not-concurrent.js";
import { sqlLongLockTimeout } from "./sql-long-lock-timeout.js";
import { sqlSetNotNull } from "./sql-set-not-null.js";
import { sqlVolatileDefault } from "./sql-volatile-default.js";
import { unusedCheck } from "./unused-check.js";
import { unusedParam } from "./unused-param.js";
import { upgradeWithoutBackup } from "./upgrade-without-backup.js";
import { verificationAssertsNothing } from "./verification-asserts-nothing.js";
import { writePhaseUnverified } from "./write-phase-unverified.js";
import { writeWithoutRollbackPosture } from "./write-without-rollback-posture.js";

// biome-ignore lint/suspicious/noExplicitAny: each rule keeps its own option type; the registry holds them all.
export type AnyRule = LintRule<any>;

/** Every rule rbx lint runs. */
export const rules: readonly AnyRule[] = [
  writeWithoutRollbackPosture,
  upgradeWithoutBackup,
  rollbackReadsUnavailableOutput,
  helmUpgradeWithoutWaitOrTimeout,
  atomicWithRollbackBoundary,
  floatingImageTag,
  retryWithoutTimeout,
  retryOnUnprobedWrite,
  approvalWithoutTimeout,
  writePhaseUnverified,
  rollbackUnverified,
  verificationAssertsNothing,
  snapshotUnverified,
  boundaryWriteWithoutUndo,
  rollbackRestoreBeforeApp,
  patchWithoutWait,
  helmReuseValues,
  secretLiteral,
  secretParamLeak,
  secretInHelmValues,
  secretParamUntyped,
  constantCondition,
  unusedParam,
  unusedCheck,
  insecureHttpCheck,
  sqlConcurrentlyInTransaction,
  sqlIndexNotConcurrent,
  sqlLongLockTimeout,
  sqlVolatileDefault,
  sqlSetNotNull,
  sqlConstraintNotValid,
];

const byId = new Map(rules.map((r) => [r.meta.id, r]));

/** A rule by id. */
export function findRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
