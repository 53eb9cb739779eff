// The validator file `npm run build` writes (dist/src/parser/schema/, its functions rewritten to compile eagerly) is
// the one the CLI loads, from the bundle and from the tsc output, and it reports what the run-time compiled
// validator reports, for every fixture.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { loadPrecompiled } from "../../src/parser/schema/precompiled.js";
import { readSchemaText } from "../../src/parser/schema/runbook-schema.js";
import { compileValidator, quickAjvOptions } from "../../src/parser/schema/schema-validator.js";
import { validateShape } from "../../src/parser/schema/validate-shape.js";
import { parseYaml } from "../../src/parser/yaml-document.js";
import { buildOnce, repoRoot } from "./run-rbx.js";

const generated = join(repoRoot, "dist", "src", "parser", "schema", "runbook-validator.generated.cjs");
const quick = join(repoRoot, "dist", "src", "parser", "schema", "runbook-check.generated.cjs");
const fixtures = join(repoRoot, "test", "fixtures");
const schemaText = readSchemaText();

const line = (d: Diagnostic) => `${d.span.start.line}:${d.span.start.column} ${d.code}: ${d.message}`;

function diagnosticsWith(
  key: string,
  validator: () => ValidateFunction,
  name: string,
  text: string,
): string[] {
  const source = new SourceFile(name, text);
  const parsed = parseYaml(source);
  if (parsed.fatal) return [];
  const data = parsed.doc.toJS({ maxAliasCount: -1 });
  return validateShape(parsed.doc, data, source, { key, validator }).map(line);
}

/** The ok and err fixtures and the product runbooks, sorted. */
function fixtureFiles(): string[] {
  const files: string[] = [];
  for (const dir of [join(fixtures, "ok"), join(fixtures, "err"), join(repoRoot, "runbooks")])
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".rb.yaml"))) files.push(join(dir, f));
  return files.sort();
}

beforeAll(() => {
  buildOnce();
}, 180_000);

describe("the generated validator in dist/", () => {
  it("declares no function: each is a parenthesized expression, which V8 compiles with the module", () => {
    for (const file of [generated, quick]) {
      const source = readFileSync(file, "utf8");
      const functions = [...source.matchAll(/function (validate\d+)\(/g)].map((m) => m[1]);
      expect(functions.length).toBeGreaterThan(10);
      for (const name of functions) expect(source).toContain(`var ${name} = (function ${name}(`);
      expect(source).toMatch(/^module\.exports = validate\d+;$/m);
    }
  });

  it("writes a quick check beside it, smaller, for the same schema text and only with its own options", () => {
    expect(loadPrecompiled(quick, schemaText, quickAjvOptions)).toBeTypeOf("function");
    expect(loadPrecompiled(quick, schemaText)).toBeUndefined();
    expect(loadPrecompiled(generated, schemaText, quickAjvOptions)).toBeUndefined();
    expect(loadPrecompiled(quick, schemaText.replace("rbx/v1", "rbx/v2"), quickAjvOptions)).toBeUndefined();
    expect(readFileSync(quick, "utf8").length).toBeLessThan(readFileSync(generated, "utf8").length * 0.9);
  });

  it("passes exactly the documents the full validator passes, for every fixture and product runbook", () => {
    const full = loadPrecompiled(generated, schemaText) as ValidateFunction;
    const check = loadPrecompiled(quick, schemaText, quickAjvOptions) as ValidateFunction;
    let failed = 0;
    let passed = 0;
    for (const file of fixtureFiles()) {
      const parsed = parseYaml(new SourceFile(file, readFileSync(file, "utf8")));
      if (parsed.fatal) continue;
      const data = parsed.doc.toJS({ maxAliasCount: -1 });
      const valid = full(data);
      expect(check(data), file).toBe(valid);
      if (valid) passed++;
      else failed++;
    }
    expect(failed).toBeGreaterThan(20);
    expect(passed).toBeGreaterThan(20);
  });

  it("is accepted for the committed schema and refused for any other text", () => {
    expect(loadPrecompiled(generated, schemaText)).toBeTypeOf("function");
    expect(loadPrecompiled(generated, schemaText.replace("rbx/v1", "rbx/v2"))).toBeUndefined();
  });

  it("reports what the run-time compiled validator reports, for every fixture and product runbook", () => {
    const built = loadPrecompiled(generated, schemaText) as ValidateFunction;
    const runtime = compileValidator(JSON.parse(schemaText));
    let withErrors = 0;
    for (const file of fixtureFiles()) {
      const text = readFileSync(file, "utf8");
      const a = diagnosticsWith("test-generated-runtime", () => runtime, file, text);
      const b = diagnosticsWith("test-generated-dist", () => built, file, text);
      expect(b, file).toEqual(a);
      if (a.length > 0) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(20);
  });
});
