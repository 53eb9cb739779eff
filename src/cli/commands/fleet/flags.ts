// The option tables the fleet verbs parse, and the kubernetes flags picked out of them: written once for all verbs.
export const storeFlags = { store: { type: "string" }, "state-dir": { type: "string" } } as const;

export const rateFlags = {
  "max-concurrency": { type: "string" },
  "max-errors": { type: "string" },
  canary: { type: "string" },
} as const;

export const driveFlags = {
  executor: { type: "string" },
  "halts-are-errors": { type: "string" },
  approve: { type: "string", multiple: true },
  "approve-all": { type: "boolean" },
  "fleet-id": { type: "string" },
  selector: { type: "string" },
  fleet: { type: "string" },
  "retry-failed": { type: "boolean" },
  force: { type: "boolean" },
  "job-namespace": { type: "string" },
  image: { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
} as const;

export function kubeFlags(values: {
  "job-namespace"?: string;
  image?: string;
  kubeconfig?: string;
  context?: string;
}) {
  return {
    ...(values["job-namespace"] ? { namespace: values["job-namespace"] } : {}),
    ...(values.image ? { image: values.image } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  };
}
