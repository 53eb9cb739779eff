ALTER TABLE "models" ADD CONSTRAINT "models_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id");
