import type { AutocompleteInteraction, ChatInputCommandInteraction } from "discord.js";
import { enqueueGeneration } from "./enqueue.ts";
import { IMAGE_REQUEST } from "./preconditions.ts";
import type { Command, CommandContext } from "./types.ts";

type Options = ChatInputCommandInteraction["options"];

/**
 * A slash command that queues images: its definition, the engine, and how its options become the
 * engine's parameters (the engine checks them). The image-request preconditions come with it, so
 * no such command can lack them, and the acknowledgement is enqueue's (it refuses privately first).
 */
export function imageCommand(spec: {
  data: Command["data"];
  engine: string;
  params: (options: Options) => Record<string, unknown>;
  autocomplete?: (interaction: AutocompleteInteraction, ctx: CommandContext) => Promise<void>;
}): Command {
  return {
    data: spec.data,
    defer: "none",
    preconditions: { "*": IMAGE_REQUEST },
    async execute(interaction, ctx) {
      await enqueueGeneration(interaction, ctx, { engine: spec.engine, params: spec.params(interaction.options) });
    },
    ...(spec.autocomplete ? { autocomplete: spec.autocomplete } : {}),
  };
}
