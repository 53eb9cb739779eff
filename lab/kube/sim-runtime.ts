// The default pod runtime: simulated containers with timers, so the stand-in works without real services.
import {
  FAULT_ANNOTATION,
  type PodRuntime,
  type PodRuntimeStatus,
  type PodSpecInput,
  type RunningPod,
} from "./pod-runtime.js";

/** Timings of the simulated runtime (milliseconds). */
export interface SimRuntimeOptions {
  readyDelayMs?: number;
  slowDelayMs?: number;
  jobDurationMs?: number;
  crashIntervalMs?: number;
}

/** Faults a pod can ask for through the `lab.rbx.dev/fault` annotation. */
export type SimFault = "never-ready" | "crash-loop" | "fail" | "slow";

class SimPod implements RunningPod {
  private state: PodRuntimeStatus = { phase: "Pending", ready: false, restartCount: 0 };
  private readonly out: string[] = [];
  private readonly listeners: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    pod: PodSpecInput,
    private readonly opts: Required<SimRuntimeOptions>,
  ) {
    const fault = pod.annotations[FAULT_ANNOTATION] as SimFault | undefined;
    const isJob = pod.restartPolicy !== "Always";
    const image = pod.containers[0]?.image ?? "unknown";
    this.after(0, () => {
      this.state = { phase: "Running", ready: false, restartCount: 0 };
      this.log(`starting ${image}`);
    });
    if (isJob) {
      this.after(opts.jobDurationMs, () => {
        if (fault === "fail") {
          this.log(`${pod.name}: simulated failure`);
          this.state = { phase: "Failed", ready: false, restartCount: 0, reason: "Error", exitCode: 1 };
        } else {
          this.log(`${pod.name}: done`);
          this.state = {
            phase: "Succeeded",
            ready: false,
            restartCount: 0,
            reason: "Completed",
            exitCode: 0,
          };
        }
      });
    } else if (fault === "crash-loop" || fault === "fail") {
      this.crash();
    } else if (fault === "never-ready") {
      this.after(opts.readyDelayMs, () => this.log("waiting for dependencies (never ready)"));
    } else {
      this.after(fault === "slow" ? opts.slowDelayMs : opts.readyDelayMs, () => {
        this.log("ready");
        this.state = { ...this.state, phase: "Running", ready: true };
      });
    }
  }

  private crash(): void {
    this.after(this.opts.crashIntervalMs, () => {
      this.log("fatal: simulated crash, exit code 1");
      this.state = {
        phase: "Running",
        ready: false,
        restartCount: this.state.restartCount + 1,
        reason: "CrashLoopBackOff",
        message: "back-off restarting failed container",
        exitCode: 1,
      };
      this.crash();
    });
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      for (const l of this.listeners) l();
    }, ms);
    this.timers.add(t);
  }

  private log(line: string): void {
    this.out.push(`${line}\n`);
  }

  status(): PodRuntimeStatus {
    return { ...this.state };
  }

  logs(): string {
    return this.out.join("");
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Build the simulated runtime: ready after a short delay, Job pods exit 0, faults by annotation. */
export function simulatedRuntime(options: SimRuntimeOptions = {}): PodRuntime {
  const opts: Required<SimRuntimeOptions> = {
    readyDelayMs: options.readyDelayMs ?? 150,
    slowDelayMs: options.slowDelayMs ?? 4000,
    jobDurationMs: options.jobDurationMs ?? 200,
    crashIntervalMs: options.crashIntervalMs ?? 300,
  };
  return { start: (pod) => new SimPod(pod, opts) };
}
