-- AlterTable
ALTER TABLE "EpochMetric" ADD COLUMN     "messageId" TEXT;

-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "epochsDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "implementation" TEXT,
ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "modelName" TEXT;
