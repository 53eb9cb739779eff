// The lint corpus (test/lint/corpus/README.md): runbooks an experienced SRE would approve, written after public
// upgrade guides, must lint silent at warning and error; each defect twin (the same runbook with one realistic
// defect) must be reported by the rule its `# expect: LINE:COL rule-id` comment names, at that line, while the
// sound sibling is not reported by that rule at all. This is the yardstick of the lint rules' precision (sound
// files) and recall (twins); failures name the file, the position and the rule.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { EMPTY_CONFIG, findConfigFile, type LintConfig, loadConfig } from "../../src/lint/config.js";
import { lintSource } from "../../src/lint/linter.js";

const CORPUS = "test/lint/corpus";
const SOUND = join(CORPUS, "sound");
const DEFECTS = join(CORPUS, "defects");

const runbooks = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.rb\.ya?ml$/.test(f))
    .sort();

/** Lint one file as `rbx lint FILE` does: the nearest `.rbx.yaml` above it (if any), then the whole pipeline. */
async function lint(file: string): Promise<Diagnostic[]> {
  const configFile = findConfigFile(dirname(resolve(file)));
  let config: LintConfig = EMPTY_CONFIG;
  if (configFile) {
    const loaded = await loadConfig(configFile);
    if (loaded.diagnostics.length > 0) throw new Error(`${configFile} is not a valid lint config`);
    config = loaded.config;
  }
  return (await lintSource(file, readFileSync(file, "utf8"), { catalog: builtinCatalog, config }))
    .diagnostics;
}

const where = (file: string, d: Diagnostic) =>
  `${file}:${d.span.start.line}:${d.span.start.column} ${d.severity} ${d.code}: ${d.message}`;

/** The `# defect:` and `# expect: LINE:COL rule` header of a twin. */
function expectation(
  text: string,
): { rule: string; line: number; column: number; defect: string } | undefined {
  const defect = /^# defect: (\S+) — (.+)$/m.exec(text);
  const at = /^# expect: (\d+):(\d+) (\S+)\s*$/m.exec(text);
  if (!defect || !at) return undefined;
  return { rule: at[3]!, line: Number(at[1]), column: Number(at[2]), defect: defect[2]! };
}

const soundFiles = runbooks(SOUND);
const twinFiles = runbooks(DEFECTS);

describe("lint corpus: layout", () => {
  it("has at least 30 sound runbooks and 20 defect twins", () => {
    expect(soundFiles.length).toBeGreaterThanOrEqual(30);
    expect(twinFiles.length).toBeGreaterThanOrEqual(20);
  });

  it("names the public guide each sound runbook follows on its first line", () => {
    const missing = soundFiles.filter((f) => {
      const [first, second] = readFileSync(join(SOUND, f), "utf8").split("\n");
      return (
        !/^# .+ — after .+https?:\/\//.test(first ?? "") ||
        !/^# style: (helm|operator|sql|sql-migration) — /.test(second ?? "")
      );
    });
    expect(missing, "files without a guide line and a style line").toEqual([]);
  });

  it("gives every twin a sound sibling and a `# defect:` / `# expect:` header", () => {
    const bad = twinFiles.filter(
      (f) => !existsSync(join(SOUND, f)) || !expectation(readFileSync(join(DEFECTS, f), "utf8")),
    );
    expect(bad, "twins without a sibling or a header").toEqual([]);
  });
});

describe("lint corpus: sound runbooks lint silent at warning and error", () => {
  for (const name of soundFiles) {
    it(name, async () => {
      const file = join(SOUND, name);
      const loud = (await lint(file)).filter((d) => d.severity === "warning" || d.severity === "error");
      expect(loud.map((d) => where(file, d))).toEqual([]);
    });
  }
});

describe("lint corpus: each twin's defect is reported where it is, and its sound sibling is not", () => {
  for (const name of twinFiles) {
    it(name, async () => {
      const twinFile = join(DEFECTS, name);
      const soundFile = join(SOUND, name);
      const want = expectation(readFileSync(twinFile, "utf8"));
      expect(want, `${twinFile} has no # defect: / # expect: header`).toBeDefined();
      if (!want) return;
      const twin = await lint(twinFile);
      const sibling = existsSync(soundFile) ? await lint(soundFile) : [];
      const hit = twin.filter((d) => d.code === want.rule && d.span.start.line === want.line);
      const byRule = twin.filter((d) => d.code === want.rule);
      expect(
        hit.map((d) => where(twinFile, d)),
        `${twinFile}:${want.line}:${want.column} should be reported by ${want.rule} (${want.defect}); ` +
          (byRule.length > 0
            ? `${want.rule} reports elsewhere: ${byRule.map((d) => where(twinFile, d)).join("; ")}`
            : `the twin gets only: ${twin.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`).join(", ") || "nothing"}`),
      ).not.toEqual([]);
      const siblingHits = sibling.filter((d) => d.code === want.rule);
      expect(
        siblingHits.map((d) => where(soundFile, d)),
        `${want.rule} must stay silent on the sound sibling`,
      ).toEqual([]);
    });
  }
});
