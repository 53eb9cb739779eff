CREATE TABLE IF NOT EXISTS "ontology_schemas" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "bindings" (
	"id" serial PRIMARY KEY NOT NULL,
	"schema_id" integer REFERENCES "ontology_schemas"("id"),
	"target" text NOT NULL
);
