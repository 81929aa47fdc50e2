import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ButtonHandler, Command } from "./types.ts";

const commandsDir = fileURLToPath(new URL("..", import.meta.url));

export interface Commands {
  commands: Map<string, Command>;
  buttons: Map<string, ButtonHandler>;
}

/**
 * Every module in src/commands: one file per slash command (exporting `command`), plus the
 * shared button handlers (exporting `buttons`). Adding a command is adding a file.
 */
export async function loadCommandModules(extra: Command[] = []): Promise<Commands> {
  const files = readdirSync(commandsDir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts")).sort();
  const found: Command[] = [];
  const buttons = new Map<string, ButtonHandler>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(commandsDir + file).href)) as { command?: Command; buttons?: ButtonHandler };
    if (!mod.command && !mod.buttons) throw new Error(`src/commands/${file} exports neither a \`command\` nor \`buttons\``);
    if (mod.command) found.push(mod.command);
    if (mod.buttons) buttons.set(mod.buttons.prefix, mod.buttons);
  }
  const byName = new Map<string, Command>();
  for (const c of [...found, ...extra]) {
    if (byName.has(c.data.name)) throw new Error(`two commands are named /${c.data.name}`);
    byName.set(c.data.name, c);
  }
  return { commands: byName, buttons };
}

/** The slash commands alone (what register-commands publishes). */
export async function loadCommands(extra: Command[] = []): Promise<Map<string, Command>> {
  return (await loadCommandModules(extra)).commands;
}
