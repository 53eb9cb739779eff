// The machine a benchmark ran on, so a figure is never read without its context (a shared, loaded VM skews ratios).
import { cpus, loadavg, release, totalmem } from "node:os";

/** CPU model, cores, memory, Node, OS, date and the load average when the run started. */
export function machine() {
  const list = cpus();
  const [one, five, fifteen] = loadavg();
  return {
    cpu: list[0]?.model?.trim() || "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()} ${process.arch}`,
    date: new Date().toISOString(),
    load: [one, five, fifteen].map((x) => Number(x.toFixed(2))),
    /**
     * Other work kept every core busy at the start: the figures competed for the CPU. (`npm run bench` builds
     * first, which alone lifts the 1-minute load toward 1, so half the cores would call every run busy.)
     */
    loaded: one > list.length,
  };
}

/** One line describing the machine, for the console. */
export function machineLine(m) {
  return (
    `${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}, ` +
    `load ${m.load.join(" ")}${m.loadEnd ? ` (at end ${m.loadEnd.join(" ")})` : ""}${m.loaded ? " (busy: other work shares this machine)" : ""}`
  );
}
