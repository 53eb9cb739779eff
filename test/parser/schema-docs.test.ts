// The committed schema as editors and other tools see it: every property documented with a Markdown example that
// fits the property, and the whole schema accepted by a plain ajv 2020 in strict mode.
import { createRequire } from "node:module";
import type { AnySchemaObject } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readSchemaText } from "../../src/parser/schema/runbook-schema.js";
import { undocumentedProperties } from "../../src/parser/schema/schema-docs.js";

const committed = JSON.parse(readSchemaText()) as AnySchemaObject;

/** A plain ajv 2020 in strict mode, as a user of the published schema would create it (not rbx's own). */
function strictAjv() {
  const { Ajv2020 } = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // The one non-standard keyword: the Markdown twin of `description` that yaml-language-server and VS Code read.
  ajv.addKeyword({ keyword: "markdownDescription", schemaType: "string" });
  return ajv;
}

/** Every declared property: its JSON pointer, name and schema (a `true` only names a key a branch requires). */
function properties(
  node: unknown,
  pointer = "#",
): { pointer: string; name: string; schema: AnySchemaObject }[] {
  if (Array.isArray(node)) return node.flatMap((x, i) => properties(x, `${pointer}/${i}`));
  if (typeof node !== "object" || node === null) return [];
  const out: { pointer: string; name: string; schema: AnySchemaObject }[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (["const", "enum", "default", "examples"].includes(k)) continue;
    if (k === "properties" && typeof v === "object" && v !== null) {
      for (const [name, schema] of Object.entries(v)) {
        if (schema === true) continue;
        const p = `${pointer}/properties/${name}`;
        out.push({ pointer: p, name, schema: schema as AnySchemaObject }, ...properties(schema, p));
      }
    } else out.push(...properties(v, `${pointer}/${k}`));
  }
  return out;
}

describe("the schema for editors", () => {
  it("compiles under a plain ajv 2020 in strict mode (strictTypes, strictRequired, strictTuples)", () => {
    const ajv = strictAjv();
    expect(ajv.validateSchema(committed), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(committed)).not.toThrow();
  });

  it("gives every property a description and a markdownDescription with a YAML example", () => {
    expect(undocumentedProperties(committed)).toEqual([]);
    const all = properties(committed);
    // The base format and the 22 built-in actions' inputs: well over the 263 user-facing properties counted once.
    expect(all.length).toBeGreaterThan(263);
    for (const { pointer, name, schema } of all) {
      expect(typeof schema.description, pointer).toBe("string");
      const md = String(schema.markdownDescription);
      const block = /```yaml\n([\s\S]*?)\n```/.exec(md);
      expect(block, pointer).not.toBeNull();
      // The example is YAML that places the property by its name.
      expect(() => parse(block![1]!), pointer).not.toThrow();
      expect(block![1], pointer).toMatch(new RegExp(`(^|\\s)${name.replace(/\./g, "\\.")}:`, "m"));
    }
  });

  it("gives examples that the property's own schema accepts", () => {
    const ajv = strictAjv();
    ajv.addSchema(committed);
    const id = String(committed.$id);
    let checked = 0;
    for (const { pointer, schema } of properties(committed)) {
      if (!Array.isArray(schema.examples)) continue;
      const validate = ajv.getSchema(`${id}${pointer}`);
      expect(validate, pointer).toBeDefined();
      for (const example of schema.examples) {
        expect(
          validate!(example),
          `${pointer}: ${JSON.stringify(example)} ${JSON.stringify(validate!.errors)}`,
        ).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(120);
  });

  it("documents the fields editors are asked about: phases, retry.attempts, helm.upgrade's atomic", () => {
    const defs = committed.$defs as Record<string, AnySchemaObject>;
    const actions = defs.actions as Record<string, AnySchemaObject>;
    const md = (s: AnySchemaObject) => String(s.markdownDescription);
    expect(md((committed.properties as Record<string, AnySchemaObject>).phases!)).toContain(
      "rollback boundary",
    );
    expect(md((defs.retry!.properties as Record<string, AnySchemaObject>).attempts!)).toContain(
      "retry:\n  attempts: 5",
    );
    const atomic = (actions["helm.upgrade"]!.properties as Record<string, AnySchemaObject>).atomic!;
    expect(md(atomic)).toContain("--rollback-on-failure");
    expect(md(atomic)).toContain("with:\n  atomic: true");
  });
});
