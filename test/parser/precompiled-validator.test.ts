// The build-time validator (ajv standalone code) reports exactly what the run-time compiled one does, and a
// generated file made from another schema text is never used.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import {
  loadPrecompiled,
  precompiledSource,
  schemaFingerprint,
} from "../../src/parser/schema/precompiled.js";
import { readSchemaText } from "../../src/parser/schema/runbook-schema.js";
import { compileValidator } from "../../src/parser/schema/schema-validator.js";
import { validateShape } from "../../src/parser/schema/validate-shape.js";
import { parseYaml } from "../../src/parser/yaml-document.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const require = createRequire(import.meta.url);
const schemaText = readSchemaText();

/** Every err/ and ok/ fixture plus documents that hit each kind of schema error, as [name, text]. */
function documents(): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of ["err", "ok"])
    for (const f of readdirSync(join(fixtures, dir))
      .filter((n) => n.endsWith(".rb.yaml"))
      .sort())
      out.push([`${dir}/${f}`, readFileSync(join(fixtures, dir, f), "utf8")]);
  out.push([
    "inline/with-and-retry",
    [
      "apiVersion: rbx/v1",
      "kind: Runbook",
      "metadata: { name: t, version: 1.0.0, bogus: 1 }",
      "params: { n: { type: int, default: 3 }, bad-name: { type: string } }",
      "connections: { db: { kind: postgres } }",
      "phases:",
      "  - id: p",
      "    steps:",
      "      - id: s",
      "        action: exec",
      "        with: { program: 3, args: 5, extra: true }",
      "        retry: { attempts: 0, every: 5x }",
      "        timeot: 30s",
      "      - action: exec",
      "        with: { program: ls }",
      "",
    ].join("\n"),
  ]);
  return out;
}

function diagnosticsWith(key: string, validator: () => ValidateFunction, name: string, text: string) {
  const source = new SourceFile(name, text);
  const parsed = parseYaml(source);
  if (parsed.fatal) return [];
  const data = parsed.doc.toJS({ maxAliasCount: -1 });
  return validateShape(parsed.doc, data, source, { key, validator });
}

const line = (d: Diagnostic) => `${d.span.start.line}:${d.span.start.column} ${d.code}: ${d.message}`;

describe("precompiled schema validator", () => {
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rbx-precompiled-"));
    file = join(dir, "runbook-validator.generated.cjs");
    // Outside the project, ajv's runtime helpers are found by absolute path (dist/ resolves them by name).
    const source = precompiledSource(schemaText).replace(
      /require\("(ajv\/[^"]+)"\)/g,
      (_, id: string) => `require(${JSON.stringify(require.resolve(id))})`,
    );
    writeFileSync(file, source);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("is standalone code that loads no ajv compiler", () => {
    const source = precompiledSource(schemaText);
    expect(source).toContain(`module.exports.fingerprint = "${schemaFingerprint(schemaText)}"`);
    const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.every((id) => id?.startsWith("ajv/dist/runtime/"))).toBe(true);
  });

  it("gives the same diagnostics as the validator compiled at run time, for every fixture", () => {
    const precompiled = loadPrecompiled(file, schemaText);
    expect(precompiled).toBeTypeOf("function");
    const runtime = () => compileValidator(JSON.parse(schemaText));
    let withErrors = 0;
    for (const [name, text] of documents()) {
      const a = diagnosticsWith("test-runtime", runtime, name, text).map(line);
      const b = diagnosticsWith("test-precompiled", () => precompiled as ValidateFunction, name, text).map(
        line,
      );
      expect(b, name).toEqual(a);
      if (a.length > 0) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(20);
  });

  it("places errors by the JSON pointer each subschema carries", () => {
    const [name, text] = documents().find(([n]) => n === "inline/with-and-retry") as [string, string];
    const precompiled = loadPrecompiled(file, schemaText) as ValidateFunction;
    const out = diagnosticsWith("test-precompiled", () => precompiled, name, text).map(line);
    expect(out).toContain(
      '11:38 unknown-field: Unknown field "extra" in the `with:` of exec. Remove it; allowed here: program, args, env, cwd, input, timeout, allowExitCodes, maxOutputBytes.',
    );
    expect(out).toContain(
      '3:38 unknown-field: Unknown field "bogus" in metadata. Remove it; allowed here: name, version, product, summary, owners.',
    );
    expect(out.some((l) => l.startsWith("12:38 invalid-duration:"))).toBe(true);
    expect(
      out.some((l) =>
        /^13:9 unknown-field: Unknown field "timeot" in a step\. Did you mean "timeout"\?/.test(l),
      ),
    ).toBe(true);
  });

  it("is not used when it was generated from another schema text, or is missing", () => {
    expect(loadPrecompiled(file, `${schemaText} `)).toBeUndefined();
    expect(loadPrecompiled(join(dir, "absent.cjs"), schemaText)).toBeUndefined();
    expect(schemaFingerprint(schemaText)).not.toBe(schemaFingerprint(schemaText.replace("rbx/v1", "rbx/v2")));
  });
});
