CREATE TABLE IF NOT EXISTS "managed_tables" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
