import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { Config } from "../../config/schema.ts";
import type { RoutedButton, RoutedCommand } from "../../discord/router.ts";
import type { PrismaClient } from "../../db/client.ts";
import type { EngineRegistry } from "../../engines/registry.ts";
import type { GuildSettingsStore } from "../../guilds/settings.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { Logger } from "../../log.ts";

/** What a command may use. Commands never run a model: they check input and enqueue. */
export interface CommandContext {
  config: Config;
  prisma: PrismaClient;
  queue: JobQueue;
  engines: EngineRegistry;
  /** Each server's /config, cached. */
  settings: GuildSettingsStore;
  log: Logger;
}

/**
 * One slash command. `defer` tells the router to acknowledge before `execute` runs:
 * "public"/"ephemeral" for anything that might take over ~2 s (Discord allows 3 s), "none"
 * for commands that answer at once or check input first and defer themselves.
 * `preconditions` are checks the router runs first (src/commands/support/preconditions.ts).
 */
export interface Command extends RoutedCommand<CommandContext> {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/**
 * Buttons not owned by one slash command (those on every generated image): a module in
 * src/commands exports `buttons` with the custom-id prefix it handles (`<prefix>:…`).
 */
export interface ButtonHandler extends RoutedButton<CommandContext> {
  prefix: string;
}
