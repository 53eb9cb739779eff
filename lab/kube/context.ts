// What the HTTP layer needs from the rest of the stand-in, gathered in one object.
import type { Objects } from "./objects.js";
import type { ResourceRegistry } from "./resources.js";
import type { Store } from "./store.js";

/** Pod logs and completion, served by the pod controller. */
export interface PodLogSource {
  /** Logs of a pod's container, or undefined when the pod has no running container. */
  logs(namespace: string, name: string): string | undefined;
  /** True once the pod's container has terminated (ends `logs -f`). */
  finished(namespace: string, name: string): boolean;
}

/** Server version reported at /version. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

/** Everything a request handler may touch. */
export interface ApiContext {
  store: Store;
  objects: Objects;
  registry: ResourceRegistry;
  pods: PodLogSource;
  version: VersionInfo;
  /** Ends open watches and log streams when the server stops. */
  closing: AbortSignal;
}
