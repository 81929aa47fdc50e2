import type { Scheduler, SchedulerConfig, SchedulerName } from "./config.ts";
import { DdimScheduler } from "./ddim.ts";
import { EulerAncestralScheduler } from "./euler-ancestral.ts";
import { EulerScheduler } from "./euler.ts";
import { LcmScheduler } from "./lcm.ts";
import { checkSettings } from "./settings.ts";

export type { NoiseSource, Scheduler, SchedulerConfig, SchedulerName } from "./config.ts";
export { DdimScheduler, EulerAncestralScheduler, EulerScheduler, LcmScheduler };

export const schedulerNames: readonly SchedulerName[] = ["euler", "euler-a", "ddim", "lcm"];

/** The scheduler a model's own config names; classes GenLab does not implement (PNDM, DPM++ …) get Euler on the same noise schedule. */
export function schedulerForClass(className: string | undefined): SchedulerName {
  switch (className) {
    case "EulerAncestralDiscreteScheduler":
      return "euler-a";
    case "DDIMScheduler":
      return "ddim";
    case "LCMScheduler":
      return "lcm";
    default:
      return "euler";
  }
}

/**
 * A scheduler by name on the model's noise schedule. The config's class-specific spacing is
 * dropped when switching class, as diffusers' `from_config` does with keys a class does not know
 * — except that every scheduler here knows `timestep_spacing`, so it is kept.
 */
export function createScheduler(name: SchedulerName, config: SchedulerConfig = {}): Scheduler {
  checkSettings(name, config);
  switch (name) {
    case "euler":
      return new EulerScheduler(config);
    case "euler-a":
      return new EulerAncestralScheduler(config);
    case "ddim":
      return new DdimScheduler(config);
    case "lcm":
      return new LcmScheduler(config);
  }
}
