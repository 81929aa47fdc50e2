import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { definition as bigganInterpolate } from "./biggan-interpolate.ts";
import { definition as biggan } from "./biggan.ts";
import { definition as cancel } from "./cancel.ts";
import { definition as config } from "./config.ts";
import { definition as dataset } from "./dataset.ts";
import { definition as denoise } from "./denoise.ts";
import { definition as evaluate } from "./evaluate.ts";
import { definition as gan } from "./gan.ts";
import { definition as imagine } from "./imagine.ts";
import { definition as models } from "./models.ts";
import { definition as provenance } from "./provenance.ts";
import { definition as queue } from "./queue.ts";
import { definition as train } from "./train.ts";

/** Every slash command as Discord registers it; loads no engine, model runtime or database. */
export const definitions: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  bigganInterpolate, biggan, cancel, config, dataset, denoise, evaluate, gan, imagine, models, provenance, queue, train,
];
