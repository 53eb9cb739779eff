// The loader's parse reads the environment once, not once per YAML token, and leaves process.env as it was.
import { afterEach, describe, expect, it, vi } from "vitest";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { parseYaml } from "../../src/parser/yaml-document.js";

const real = process.env;
afterEach(() => {
  process.env = real;
  vi.restoreAllMocks();
});

/** process.env as a proxy of the real one that counts the reads of each name. */
function countingEnv(): Map<string, number> {
  const reads = new Map<string, number>();
  const copy: NodeJS.ProcessEnv = { ...real };
  process.env = new Proxy(copy, {
    get(target, name, receiver) {
      if (typeof name === "string") reads.set(name, (reads.get(name) ?? 0) + 1);
      return Reflect.get(target, name, receiver);
    },
  });
  return reads;
}

const steps = Array.from(
  { length: 40 },
  (_, i) => `      - { id: s${i}, action: http.check, with: { url: "http://x/${i}" } }`,
);
const runbook = [
  "apiVersion: rbx/v1",
  "kind: Runbook",
  "metadata: { name: r, version: 1.0.0 }",
  "phases:",
  "  - id: p",
  "    steps:",
  ...steps,
  "",
].join("\n");

describe("parseYaml and the environment", () => {
  it("reads yaml's debug variables once per parse, not once per token", () => {
    const reads = countingEnv();
    const env = process.env;
    const parsed = parseYaml(new SourceFile("r.rb.yaml", runbook));
    expect(parsed.diagnostics).toEqual([]);
    expect(reads.get("LOG_TOKENS") ?? 0).toBeLessThanOrEqual(1);
    expect(reads.get("LOG_STREAM") ?? 0).toBeLessThanOrEqual(1);
    expect(process.env).toBe(env);
  });

  it("gives process.env back after a document yaml cannot read", () => {
    const env = process.env;
    const parsed = parseYaml(new SourceFile("r.rb.yaml", "a: [1, 2\nb: {"));
    expect(parsed.fatal).toBe(true);
    expect(process.env).toBe(env);
  });

  it("with LOG_TOKENS set, yaml still logs its tokens (the real environment is read)", () => {
    process.env = { ...real, LOG_TOKENS: "1" };
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    parseYaml(new SourceFile("r.rb.yaml", "a: 1\n"));
    expect(log).toHaveBeenCalled();
    expect(log.mock.calls.some((c) => c[0] === "|")).toBe(true);
  });
});
