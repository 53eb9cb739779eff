// `with:` fields shared by the helm actions.
import { connectionField } from "../shared/connection.js";
import { durationSchema } from "../shared/duration-field.js";
import type { SchemaFragment } from "../shared/schema-fragment.js";

/** Release name as helm accepts it. */
export const releaseField: SchemaFragment = {
  type: "string",
  pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  maxLength: 53,
  examples: ["kryton"],
  description: "The Helm release name.",
};

/** Fields every helm action takes. */
export const helmCommonFields: Record<string, SchemaFragment> = {
  connection: connectionField("kubernetes"),
  namespace: {
    type: "string",
    examples: ["kryton"],
    description: "Namespace of the release (default: the connection's namespace).",
  },
};

/** The `with:` schema of an action on one release: `release`, then its own fields, then the common ones. */
export function releaseInput(properties: Record<string, SchemaFragment>): SchemaFragment {
  return {
    type: "object",
    additionalProperties: false,
    required: ["release"],
    properties: { release: releaseField, ...properties, ...helmCommonFields },
  };
}

/** `timeout` of the helm actions that wait. */
export const helmTimeoutField: SchemaFragment = {
  ...durationSchema,
  description:
    "Helm's --timeout for waits and hooks (default 5m); the step gives helm 2 more minutes to report.",
};

/** Arguments every helm action takes. */
export interface HelmCommonArgs {
  connection?: string;
  namespace?: string;
}
