// docs/architecture.md stays true: its pictures parse, the folders it names exist, and its import picture is
// exactly the imports between wings that the code has (read the same way scripts/check-imports.js reads them).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { mermaidProblems } from "../graph/mermaid-syntax.js";

const root = join(import.meta.dirname, "..", "..");
const doc = readFileSync(join(root, "docs", "architecture.md"), "utf8");
const blocks = [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] as string);

/** The wing a file belongs to: `run/<wing>` inside src/run, the first folder elsewhere, `lab` for lab/. */
function wingOf(file: string): string {
  const parts = relative(root, file).split("/");
  if (parts[0] === "lab") return "lab";
  if (parts[1] === "run") return `run/${parts[2]}`;
  return parts.length > 2 ? (parts[1] as string) : (parts[1] as string).replace(/\.(ts|js)$/, "");
}

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** A folder and every folder below it. */
function folderTree(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...folderTree(join(dir, e.name)));
  }
  return out;
}

/** Imports between wings in the code, as "from>to". */
function codeEdges(): Set<string> {
  const edges = new Set<string>();
  for (const file of [...sources(join(root, "src")), ...sources(join(root, "lab"))]) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/from\s*"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g)) {
      const target = normalize(join(dirname(file), (m[1] ?? m[2]) as string));
      const a = wingOf(file);
      const b = wingOf(target);
      if (a !== b) edges.add(`${a}>${b}`);
    }
  }
  return edges;
}

describe("docs/architecture.md", () => {
  it("draws its pictures in Mermaid that parses", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) expect(mermaidProblems(b)).toEqual([]);
  });

  it("names only folders that exist", () => {
    const named = [...doc.matchAll(/`([a-z-]+(?:\/[a-z-]+)*\/)`/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(10);
    // A folder is named from the repository root, from src/, or inside the wing the paragraph is about.
    const folders = [root, ...folderTree(join(root, "src")), ...folderTree(join(root, "lab"))];
    for (const folder of named) {
      expect(
        folders.some((f) => existsSync(join(f, folder))),
        folder,
      ).toBe(true);
    }
  });

  it("draws exactly the imports between wings that the code has", () => {
    const picture = blocks.find((b) => b.includes("ground")) as string;
    const wingOfNode = new Map<string, string>();
    for (const m of picture.matchAll(/^ {2}(\w+)\["([^"<]+)/gm)) {
      const folder = (m[2] as string).trim().split(/\s/)[0] as string;
      wingOfNode.set(m[1] as string, folder.replace(/\/$/, ""));
    }
    const drawn = new Set<string>();
    for (const m of picture.matchAll(/^ {2}(\w+) --> (\w+)$/gm)) {
      const a = wingOfNode.get(m[1] as string);
      const b = wingOfNode.get(m[2] as string);
      if (a && b && b !== "contract") drawn.add(`${a}>${b}`);
    }
    // The ground floor, the package face and the package-root helper are imported everywhere; not drawn.
    const ground = new Set(["contract", "diagnostics", "package-root", "index", "ts-hooks"]);
    const code = [...codeEdges()].filter((e) => {
      const [a, b] = e.split(">") as [string, string];
      return !ground.has(a) && !ground.has(b);
    });
    expect({
      notDrawn: code.filter((e) => !drawn.has(e)).sort(),
      notInCode: [...drawn].filter((e) => !code.includes(e)).sort(),
    }).toEqual({ notDrawn: [], notInCode: [] });
  });
});
