// The contract between the Kubernetes API stand-in and whatever runs pod containers (simulated or real processes).

/** A container as the stand-in hands it to a runtime (taken from the pod spec, env values left as written). */
export interface ContainerInput {
  name: string;
  image: string;
  env: { name: string; value?: string; valueFrom?: unknown }[];
  args?: string[];
  command?: string[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
}

/** What the stand-in passes to a runtime when a pod is created. */
export interface PodSpecInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: ContainerInput[];
  /** "Always" for Deployment pods, "Never" or "OnFailure" for Job pods. */
  restartPolicy: string;
  /** Kind of the controlling owner ("ReplicaSet", "Job") or undefined for a bare pod. */
  ownerKind?: string;
  /** The pod's terminationGracePeriodSeconds, when it names one. */
  terminationGracePeriodSeconds?: number;
  /** Per container name: the env with secretKeyRef/configMapKeyRef/fieldRef values resolved to strings. */
  resolvedEnv: Record<string, Record<string, string>>;
}

/** The state a kubelet would report for a pod's main container. */
export interface PodRuntimeStatus {
  phase: "Pending" | "Running" | "Succeeded" | "Failed";
  ready: boolean;
  restartCount: number;
  /** e.g. "CrashLoopBackOff", "Error", "Completed". */
  reason?: string;
  message?: string;
  exitCode?: number;
}

/** A started pod; the stand-in reads its status on every change and its logs for pods/log. */
export interface RunningPod {
  /** Current state as the kubelet would report it. */
  status(): PodRuntimeStatus;
  /** Everything the container wrote (stdout+stderr), for pods/log. */
  logs(): string;
  /** Called on every status change so the stand-in can update pod status and wake controllers. */
  onChange(listener: () => void): void;
  /**
   * Stop the container (pod deleted or server stopped); resolves when it is gone. `graceMs`: the pod's grace
   * period, SIGTERM then SIGKILL once it is over (0: at once); runtimes may keep their own.
   */
  stop(graceMs?: number): Promise<void>;
}

/** What the stand-in asks of whoever runs pod containers. */
export interface PodRuntime {
  /** Start the pod's main container; called once when a pod is created. */
  start(pod: PodSpecInput): RunningPod;
  /** Optional: release everything (called when the stand-in stops, after every pod's stop()). */
  close?(): Promise<void>;
}

/** Annotation that injects a fault into a simulated pod (default runtime only). */
export const FAULT_ANNOTATION = "lab.rbx.dev/fault";
