// The kubectl family (through @kubernetes/client-node).
import { kubectlGet } from "./get.js";
import { kubectlLogs } from "./logs.js";
import { kubectlPatch } from "./patch.js";
import { kubectlRolloutStatus } from "./rollout-status.js";
import { kubectlWaitJob } from "./wait-job.js";

/** kubectl.rolloutStatus, kubectl.waitJob, kubectl.get, kubectl.patch, kubectl.logs. */
export const kubectlActions = [
  kubectlRolloutStatus,
  kubectlWaitJob,
  kubectlGet,
  kubectlPatch,
  kubectlLogs,
] as const;
