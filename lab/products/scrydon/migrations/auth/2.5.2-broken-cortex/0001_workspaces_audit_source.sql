CREATE TABLE IF NOT EXISTS "workspaces" (
	"id" serial PRIMARY KEY NOT NULL,
	"organisation_id" integer REFERENCES "organisations"("id"),
	"name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "source" text DEFAULT 'api-platform' NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_events_ts_idx" ON "audit_events" USING btree ("ts");
