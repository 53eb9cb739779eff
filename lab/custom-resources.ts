// The custom resources the lab's stand-in serves: Kryton's operator CR (kryton.io/v1alpha1 Kryton).
import type { CustomResourceConfig } from "./kube/resources.js";

/**
 * Kryton's CR: spec.version (the bare version, 4.6.4) rolls the Deployment of the same name (container `kryton`) to the
 * published tag (v4.6.4); status.observedVersion follows, and a failed rollout shows in status.conditions.
 */
export const krytonCustomResource: CustomResourceConfig = {
  group: "kryton.io",
  version: "v1alpha1",
  kind: "Kryton",
  plural: "krytons",
  singular: "kryton",
  shortNames: ["kr"],
  operator: { deployment: "{name}", container: "kryton", tagPrefix: "v" },
};

/** Every custom resource a lab stand-in should serve. */
export const labCustomResources: readonly CustomResourceConfig[] = [krytonCustomResource];
