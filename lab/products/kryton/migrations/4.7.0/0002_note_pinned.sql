ALTER TABLE "notes" ADD COLUMN "pinned" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "notes_pinned_idx" ON "notes" USING btree ("pinned");
