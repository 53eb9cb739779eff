// `with:` fields shared by the kubectl actions.
import { connectionField } from "../shared/connection.js";
import { durationOr, durationSchema } from "../shared/duration-field.js";
import type { SchemaFragment } from "../shared/schema-fragment.js";

/** Fields every kubectl action takes. */
export const kubeCommonFields: Record<string, SchemaFragment> = {
  connection: connectionField("kubernetes"),
  namespace: {
    type: "string",
    examples: ["kryton"],
    description: "Namespace (default: the connection's, else the kubeconfig context's).",
  },
};

/** How often the waiting actions read the object again. */
export const pollIntervalField: SchemaFragment = {
  ...durationSchema,
  examples: ["5s"],
  description: "How often to read the object while waiting (default 2s).",
};

/** Arguments every kubectl action takes. */
export interface KubeCommonArgs {
  connection?: string;
  namespace?: string;
}

/** The poll interval in milliseconds. */
export function pollMs(value: string | number | undefined): number {
  return Math.max(50, durationOr(value, 2_000));
}
