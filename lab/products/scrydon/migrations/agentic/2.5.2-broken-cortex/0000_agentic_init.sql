CREATE TABLE IF NOT EXISTS "workflows" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "workflow_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL REFERENCES "workflows"("id"),
	"output" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO "workflows" ("id", "name", "definition") VALUES ('known-good', 'Known-good smoke workflow', '{"input":"scrydon","steps":["upper","reverse","hash"]}') ON CONFLICT DO NOTHING;
