// The kubernetes executor: submit a run as a Job (`submitRunJob`) and watch it to its end (`watchRunJob`).
export { jobNameFor, type KubeObject, POD_EXIT } from "./job-objects.js";
export { ACTION_RIGHTS, type PolicyRule, rightsFor } from "./job-rights.js";
export { connectKube, type KubeApi, type KubeTarget, kubeMessage } from "./kube-api.js";
export { type SubmitRunRequest, type SubmittedRun, submitRunJob } from "./submit-run-job.js";
export { type RunJobOutcome, type WatchRunJob, watchRunJob } from "./watch-run-job.js";
