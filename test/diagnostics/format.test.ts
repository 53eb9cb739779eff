// The human format: headline, source line, caret under the span, related notes, colour only when asked.
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { useColor } from "../../src/diagnostics/color.js";
import { diagnostic } from "../../src/diagnostics/diagnostic.js";
import { formatDiagnostics, headline } from "../../src/diagnostics/format.js";
import { SourceFile } from "../../src/diagnostics/source-file.js";

const src = new SourceFile("rb.yaml", "phases:\n  - id: main\n    steps:\n      - id: main\n");
const dup = diagnostic("duplicate-step-id", "error", "Duplicate step id", src.span(44, 48), [
  { span: src.span(16, 20), message: "first used here" },
]);

describe("formatDiagnostics", () => {
  it("prints file:line:col, severity, message, code, the line and a caret under the span", async () => {
    const text = await formatDiagnostics([dup], () => src, { color: false });
    expect(text).toBe(
      [
        "rb.yaml:4:13: error: Duplicate step id [duplicate-step-id]",
        "4 |       - id: main",
        "  |             ^~~~",
        "rb.yaml:2:9: note: first used here",
        "2 |   - id: main",
        "  |         ^~~~",
        "",
      ].join("\n"),
    );
  });

  it("uses a single caret for an empty span and keeps tabs so the caret lines up", async () => {
    const tabbed = new SourceFile("t.yaml", "a:\n\tb: 1\n");
    const d = diagnostic("tab-indentation", "error", "Tabs", tabbed.span(4, 4));
    const text = await formatDiagnostics([d], () => tabbed, { color: false });
    expect(text.split("\n")[2]).toBe("  | \t^");
  });

  it("adds ANSI colour only when colour is on", async () => {
    const coloured = await formatDiagnostics([dup], () => src, { color: true });
    expect(coloured).toContain("\u001b[");
    expect(stripVTControlCharacters(coloured)).toBe(
      await formatDiagnostics([dup], () => src, { color: false }),
    );
  });

  it("headline is the one-line form", () => {
    expect(headline(dup)).toBe("rb.yaml:4:13: error: Duplicate step id [duplicate-step-id]");
  });
});

describe("useColor", () => {
  it("is on for a TTY and off with NO_COLOR or a pipe", () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("is forced on by FORCE_COLOR, off by FORCE_COLOR=0 or false, and NO_COLOR wins over both", () => {
    expect(useColor({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: "3" })).toBe(true);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: "false" })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: "" })).toBe(false);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
  });
});
