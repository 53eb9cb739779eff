// The machine a benchmark ran on, so figures are never read without their context.
import { cpus, totalmem } from "node:os";

/** CPU model, core count, memory, Node version and the date. */
export function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model?.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}
