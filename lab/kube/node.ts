// The lab's one Node: where every pod is "scheduled" and what DaemonSets count as their desired pods.
import type { Objects } from "./objects.js";
import type { ResourceType } from "./resources.js";
import { type KObject, nowTime } from "./types.js";

/** Name of the lab's single node (pods' spec.nodeName). */
export const LAB_NODE = "lab-node-1";

/** Create the Ready node at start-up (its status written through the status subresource, like a kubelet). */
export function createLabNode(objects: Objects, kubeletVersion: string): KObject {
  const t = objects.registry.byKind("", "Node") as ResourceType;
  objects.create(t, undefined, {
    metadata: {
      name: LAB_NODE,
      labels: {
        "kubernetes.io/hostname": LAB_NODE,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
      },
    },
    spec: { podCIDR: "10.244.0.0/24", podCIDRs: ["10.244.0.0/24"] },
  });
  const now = nowTime();
  const resources = { cpu: "2", memory: "8Gi", pods: "110", "ephemeral-storage": "50Gi" };
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  return objects.update(
    t,
    undefined,
    LAB_NODE,
    {
      metadata: { name: LAB_NODE },
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [
          condition(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
          ),
          condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
          condition(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
          ),
          condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ],
        addresses: [
          { type: "InternalIP", address: "127.0.0.1" },
          { type: "Hostname", address: LAB_NODE },
        ],
        nodeInfo: {
          kubeletVersion,
          kubeProxyVersion: kubeletVersion,
          operatingSystem: "linux",
          architecture: "amd64",
          containerRuntimeVersion: "rbx-lab://1",
          osImage: "rbx lab",
          kernelVersion: "",
          machineID: "",
          systemUUID: "",
          bootID: "",
        },
      },
    },
    { status: true },
  );
}
