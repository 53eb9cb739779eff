CREATE TABLE IF NOT EXISTS "tags" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "tags_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "note_tags" (
	"note_id" integer NOT NULL REFERENCES "notes"("id") ON DELETE CASCADE,
	"tag_id" integer NOT NULL REFERENCES "tags"("id") ON DELETE CASCADE,
	CONSTRAINT "note_tags_pk" PRIMARY KEY("note_id","tag_id")
);
