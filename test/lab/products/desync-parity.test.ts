// rbx's `verifyFromFiles` and the lab products' own migration jobs must read the same objects from every lab
// migration folder — otherwise a runbook's precheck and the product's FATAL would disagree about a desync.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createdObjects as labCreated,
  droppedKeys as labDropped,
} from "../../../lab/products/common/tracking-desync.js";
import { createdObjects, droppedKeys, objectKey } from "../../../src/builtins/sql/created-objects.js";

const root = join(import.meta.dirname, "..", "..", "..", "lab", "products");

/** Every migration folder (a directory holding meta/_journal.json) under lab/products. */
function folders(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) return [];
    if (name === "meta") return [];
    const here = readdirSync(path).includes("meta") ? [path] : [];
    return [...here, ...folders(path)];
  });
}

function entries(folder: string): { name: string; sql: string }[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  return journal.entries.map((e) => ({
    name: e.tag,
    sql: readFileSync(join(folder, `${e.tag}.sql`), "utf8"),
  }));
}

describe("desync checks derived from the lab's migration files", () => {
  const all = folders(root);

  it("finds the lab's migration folders", () => {
    expect(all.length).toBeGreaterThan(5);
  });

  it.each(all.map((f) => [f.slice(root.length + 1), f]))(
    "%s: rbx reads the same created and dropped objects as the lab's migration job",
    (_n, f) => {
      for (const m of entries(f)) {
        const key = (k: string) => k.replace(/^public\./, "");
        const ours = createdObjects(m.sql).map((o) => key(objectKey(o)));
        const theirs = labCreated(m.sql).map((o) =>
          o.kind === "relation" ? o.name : `${o.table}.${o.name}`,
        );
        expect(ours.sort(), `${m.name} creates`).toEqual(theirs.sort());
        expect([...droppedKeys(m.sql)].map(key).sort(), `${m.name} drops`).toEqual(
          [...labDropped(m.sql)].sort(),
        );
      }
    },
  );
});
