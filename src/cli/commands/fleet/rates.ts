// The rate flags (--max-concurrency, --max-errors, --canary) checked and resolved against a fleet's target count.
import { concurrencyFor, errorsAllowedFor, parseRate } from "../../../fleet/rate-control.js";
import type { CliIO } from "../../io.js";

export function rates(
  values: { "max-concurrency"?: string; "max-errors"?: string; canary?: string },
  required: boolean,
  io: CliIO,
): { maxConcurrency: string; maxErrors: string; canary: number } | undefined {
  if (required && (values["max-concurrency"] === undefined || values["max-errors"] === undefined)) {
    io.stderr.write(
      "rbx fleet run: give --max-concurrency and --max-errors (a number or a percentage of the targets)\n",
    );
    return undefined;
  }
  const mc = values["max-concurrency"] ?? "1";
  const me = values["max-errors"] ?? "0";
  for (const [flag, v] of [
    ["--max-concurrency", mc],
    ["--max-errors", me],
  ] as const) {
    const r = parseRate(flag, v);
    if ("error" in r) {
      io.stderr.write(`rbx fleet: ${r.error}\n`);
      return undefined;
    }
  }
  const canary = values.canary === undefined ? 0 : Number(values.canary);
  if (!Number.isInteger(canary) || canary < 0) {
    io.stderr.write(`rbx fleet: --canary takes a whole number of targets; got "${values.canary}"\n`);
    return undefined;
  }
  return { maxConcurrency: mc, maxErrors: me, canary };
}

export function resolved(r: { maxConcurrency: string; maxErrors: string }, targets: number) {
  return {
    concurrency: concurrencyFor(parseRate("", r.maxConcurrency) as never, targets),
    errorsAllowed: errorsAllowedFor(parseRate("", r.maxErrors) as never, targets),
  };
}
