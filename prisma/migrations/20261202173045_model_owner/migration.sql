-- AlterTable
ALTER TABLE "ModelArtifact" ADD COLUMN     "guildId" TEXT;

-- CreateIndex
CREATE INDEX "ModelArtifact_guildId_idx" ON "ModelArtifact"("guildId");

-- Backfill: a model made by a /train run belongs to that run's server.
UPDATE "ModelArtifact" AS m SET "guildId" = r."guildId" FROM "TrainingRun" AS r WHERE m."createdByRunId" = r."id" AND m."guildId" IS NULL;
