CREATE TABLE IF NOT EXISTS "profiles" (
	"id" serial PRIMARY KEY NOT NULL,
	"table_id" integer REFERENCES "managed_tables"("id"),
	"row_count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "policy_bundles" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
