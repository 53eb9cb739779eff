CREATE TABLE IF NOT EXISTS "knowledge_bases" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "duration_ms" integer DEFAULT 0 NOT NULL;
