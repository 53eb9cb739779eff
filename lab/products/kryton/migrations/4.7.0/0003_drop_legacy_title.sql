UPDATE "notes" SET "title" = COALESCE("title", "legacy_title");
--> statement-breakpoint
ALTER TABLE "notes" DROP COLUMN "legacy_title";
