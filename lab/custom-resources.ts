// The custom resources the lab's stand-in serves: Kryton's operator CR (kryton.io/v1alpha1 Kryton).
import type { CustomResourceConfig } from "./kube/resources.js";

/** Kryton's CR: spec.version rolls the Deployment of the same name (container `kryton`), status.observedVersion follows. */
export const krytonCustomResource: CustomResourceConfig = {
  group: "kryton.io",
  version: "v1alpha1",
  kind: "Kryton",
  plural: "krytons",
  singular: "kryton",
  shortNames: ["kr"],
  operator: { deployment: "{name}", container: "kryton" },
};

/** Every custom resource a lab stand-in should serve. */
export const labCustomResources: readonly CustomResourceConfig[] = [krytonCustomResource];
