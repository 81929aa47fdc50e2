import { z } from "zod";

/** Environment variables (and config-file keys) GenLab reads, validated once at start. */
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().min(1);

export const configSchema = z.object({
  DISCORD_TOKEN: z
    .string()
    .regex(/^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/, "does not look like a bot token; copy it from the Bot page of your Discord application")
    .optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{15,22}$/, "must be the numeric application id from the Discord Developer Portal").optional(),
  DISCORD_API_URL: z.url("must be a URL such as https://discord.com/api").default("https://discord.com/api"),
  DISCORD_GUILD_ID: z.string().regex(/^\d{15,22}$/, "must be a numeric guild (server) id").optional(),
  DISCORD_PUBLIC_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be the 64-hex-digit public key from the General Information page of your Discord application").optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a PostgreSQL URL such as postgresql://user:password@host:5432/genlab, or unset to use the embedded database")
    .optional(),
  GENLAB_DATA_DIR: z.string().min(1).default("./data"),
  GENLAB_WORKER_CONCURRENCY: positiveInt.max(64).default(1),
  GENLAB_JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  GENLAB_JOB_RETRY_DELAY_SECONDS: positiveInt.max(3600).default(5),
  GENLAB_JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  GENLAB_JOB_MONITOR_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
  GENLAB_EMBEDDED_PG_PORT: port.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HF_TOKEN: z.string().min(8, "is too short to be a Hugging Face token").optional(),
  BIGGAN_MODEL_DIR: z.string().min(1).optional(),
  SD_MODEL_DIR: z.string().min(1).optional(),
  SD_HF_MODEL: z.string().min(1).optional(),
  SD_HF_PROVIDER: z.string().min(1).optional(),
  SD_HF_ENDPOINT_URL: z.url("must be a URL such as https://xyz.endpoints.huggingface.cloud").optional(),
  SD_HF_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(120),
  SD_SCHEDULER: z.enum(["auto", "euler", "euler-a", "ddim", "lcm"]).default("auto"),
  GENLAB_ONNX_PROVIDER: z.enum(["auto", "cpu", "cuda"]).default("auto"),
  GENLAB_ONNX_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  GENLAB_GAN_MODELS_DIR: z.string().min(1).optional(),
  GENLAB_PLAYGROUND: z.enum(["on", "off"]).default("on"),
  GENLAB_PLAYGROUND_HOST: z.string().min(1).default("127.0.0.1"),
  GENLAB_PLAYGROUND_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  GENLAB_PLAYGROUND_PASSWORD: z.string().min(8, "is too short: use at least 8 characters").optional(),
  GENLAB_INTERACTIONS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  GENLAB_INTERACTIONS_HOST: z.string().min(1).default("127.0.0.1"),
  GENLAB_SHARDS: z.string().regex(/^(auto|[1-9]\d{0,3})$/, "must be auto or a number of shards such as 2").optional(),
  GENLAB_MAX_RUNS_PER_GUILD: z.coerce.number().int().min(1).max(16).default(1),
  GENLAB_MAX_JOBS_PER_USER: z.coerce.number().int().min(1).max(100).default(2),
  GENLAB_USER_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(10),
  GENLAB_GUILD_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(120),
});

export type Config = z.infer<typeof configSchema>;

/** Keys whose values must never reach a log line or an error message. */
export const secretKeys = ["DISCORD_TOKEN", "HF_TOKEN", "DATABASE_URL", "GENLAB_PLAYGROUND_PASSWORD"] as const satisfies readonly (keyof Config)[];

/** What to tell a user about each variable, for the README table and `genlab config`. */
export const configHelp: Record<keyof Config, string> = {
  DISCORD_TOKEN: "Bot token. Unset: GenLab starts without connecting to Discord.",
  DISCORD_APPLICATION_ID: "Application id; read from Discord at login when unset.",
  DISCORD_API_URL: "Discord REST base URL (tests point it at a fake Discord).",
  DISCORD_GUILD_ID: "Default guild for `genlab register-commands` (guild commands update at once).",
  DISCORD_PUBLIC_KEY: "Application public key (hex, General Information page); needed for HTTP interactions.",
  DATABASE_URL: "PostgreSQL URL. Unset: an embedded PostgreSQL under GENLAB_DATA_DIR.",
  GENLAB_DATA_DIR: "Where the embedded database and generated images live.",
  GENLAB_WORKER_CONCURRENCY: "Jobs one worker process runs at once.",
  GENLAB_JOB_RETRY_LIMIT: "Retries of a job that failed for a transient reason.",
  GENLAB_JOB_RETRY_DELAY_SECONDS: "First retry delay; doubles with each retry.",
  GENLAB_JOB_HEARTBEAT_SECONDS: "A job whose worker is silent this long is retried elsewhere.",
  GENLAB_JOB_MONITOR_SECONDS: "How often the queue looks for silent workers.",
  GENLAB_EMBEDDED_PG_PORT: "Port of the embedded database (default: a free one).",
  LOG_LEVEL: "fatal, error, warn, info, debug, trace or silent.",
  HF_TOKEN: "Hugging Face token for remote diffusion.",
  BIGGAN_MODEL_DIR: "Directory with an exported BigGAN ONNX model and its manifest.",
  SD_MODEL_DIR: "Directory with a Stable Diffusion ONNX model (diffusers layout).",
  SD_HF_MODEL: "Hugging Face model id for remote diffusion (with HF_TOKEN); default black-forest-labs/FLUX.1-schnell.",
  SD_HF_PROVIDER: "Inference provider for SD_HF_MODEL: auto, hf-inference, fal-ai, together, nebius …; default fal-ai for the default model, auto for one you name.",
  SD_HF_ENDPOINT_URL: "A dedicated Inference Endpoint URL, used instead of SD_HF_MODEL/SD_HF_PROVIDER.",
  SD_HF_TIMEOUT_SECONDS: "Time limit for one remote image request; 5xx and 429 answers are retried with backoff.",
  SD_SCHEDULER: "Sampler for the local model: auto (the model's own), euler, euler-a, ddim or lcm.",
  GENLAB_ONNX_PROVIDER: "Where ONNX models (BigGAN, Stable Diffusion) run: `auto` (CUDA when installed, else CPU, logged), `cpu` or `cuda`.",
  GENLAB_ONNX_THREADS: "Threads per ONNX session on CPU (default: all cores).",
  GENLAB_PLAYGROUND: "`on`: `genlab start` also serves the local web playground; `off`: it does not.",
  GENLAB_PLAYGROUND_HOST: "Address the playground listens on; anything but loopback needs GENLAB_PLAYGROUND_PASSWORD.",
  GENLAB_PLAYGROUND_PORT: "Port of the playground (0: any free port).",
  GENLAB_PLAYGROUND_PASSWORD: "Password for the playground (HTTP basic auth, any user name); required off loopback.",
  GENLAB_INTERACTIONS_PORT: "When set, `genlab start` serves Discord's HTTP interactions at POST /interactions on this port (0: any free port).",
  GENLAB_INTERACTIONS_HOST: "Address the interactions endpoint listens on; put a TLS reverse proxy in front of it.",
  GENLAB_SHARDS: "`auto` or a number: `genlab start` runs the gateway bot in that many shard processes (workers stay in the main one).",
  GENLAB_GAN_MODELS_DIR: "Extra folder of GAN models (each a `genlab train` model folder) for /gan sample.",
  GENLAB_MAX_RUNS_PER_GUILD: "Training runs one server may have queued or running at once.",
  GENLAB_MAX_JOBS_PER_USER: "Image requests one person may have queued or running at once.",
  GENLAB_USER_PER_MINUTE: "Image requests one person may make per minute (a server's /config limits override it).",
  GENLAB_GUILD_PER_MINUTE: "Image requests one server may make per minute (a server's /config limits override it).",
};
