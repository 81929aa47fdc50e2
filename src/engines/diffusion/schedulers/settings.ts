import { EngineInputError } from "../../errors.ts";
import type { SchedulerConfig, SchedulerName } from "./config.ts";

/**
 * scheduler_config.json keys that change what diffusers draws and that GenLab does not implement
 * (for that scheduler), with diffusers' default. A config that sets one to anything else is
 * refused with one sentence naming it: silently drawing something else than diffusers would is
 * worse than not drawing. Keys that do not change the math (skip_prk_steps, _diffusers_version …)
 * and sigma_min/sigma_max, which diffusers' Euler reads only for a Karras ramp, pass.
 */
const notImplemented: Record<string, unknown> = {
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  interpolation_type: "linear",
  timestep_type: "discrete",
  final_sigmas_type: "zero",
  thresholding: false,
};

/** Implemented only by some schedulers here. */
const onlyFor: Record<string, { default: unknown; schedulers: SchedulerName[] }> = {
  use_karras_sigmas: { default: false, schedulers: ["euler"] },
};

export function checkSettings(name: SchedulerName, config: SchedulerConfig): void {
  const raw = config as Record<string, unknown>;
  for (const [key, dflt] of Object.entries(notImplemented)) {
    if (raw[key] !== undefined && raw[key] !== null && raw[key] !== dflt) refuse(name, key, raw[key], dflt, null);
  }
  for (const [key, { default: dflt, schedulers }] of Object.entries(onlyFor)) {
    if (raw[key] !== undefined && raw[key] !== null && raw[key] !== dflt && !schedulers.includes(name)) refuse(name, key, raw[key], dflt, schedulers);
  }
}

function refuse(name: SchedulerName, key: string, value: unknown, dflt: unknown, supportedBy: SchedulerName[] | null): never {
  const shown = JSON.stringify(value).slice(0, 40);
  const fix = supportedBy ? `pick the ${supportedBy.join(" or ")} scheduler, or set it to ${JSON.stringify(dflt)}` : `set it to ${JSON.stringify(dflt)} (the images will then differ from diffusers')`;
  throw new EngineInputError(`The model's scheduler/scheduler_config.json sets ${key} to ${shown}, which GenLab's ${name} scheduler does not implement, so it would not draw what diffusers draws: ${fix} in that file or with the scheduler option.`);
}
