CREATE TABLE IF NOT EXISTS "branches" (
	"id" serial PRIMARY KEY NOT NULL,
	"schema_id" integer REFERENCES "ontology_schemas"("id"),
	"name" text NOT NULL
);
