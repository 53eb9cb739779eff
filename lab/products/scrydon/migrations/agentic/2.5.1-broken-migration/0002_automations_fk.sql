ALTER TABLE "workflow_runs" ADD COLUMN "automation_id" integer;
--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_automation_id_fk" FOREIGN KEY ("automation_id") REFERENCES "public"."automations"("id");
