// The body of a test document with one sql.exec step, for the sql-* rule tests (statements start on line 17).

/** A sql.exec whose statements are the given YAML list items (one per line, flush at the item's indent). */
export const exec = (items: string[], extra = "") => `connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: migrate
    onFailure: halt
    steps:
      - id: ddl
        action: sql.exec
        with:
          connection: db
${extra}          statements:
${items.map((i) => `            - ${i}\n`).join("")}`;
