import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "./types.ts";

const commandsDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Every command module in src/commands (one file per command, exporting `command`),
 * keyed by name. Adding a command is adding a file.
 */
export async function loadCommands(extra: Command[] = []): Promise<Map<string, Command>> {
  const files = readdirSync(commandsDir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts")).sort();
  const found: Command[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(commandsDir + file).href)) as { command?: Command };
    if (!mod.command) throw new Error(`src/commands/${file} does not export a \`command\``);
    found.push(mod.command);
  }
  const byName = new Map<string, Command>();
  for (const c of [...found, ...extra]) {
    if (byName.has(c.data.name)) throw new Error(`two commands are named /${c.data.name}`);
    byName.set(c.data.name, c);
  }
  return byName;
}
