import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IMAGE_REQUEST, inImageChannel, withinRequestLimits } from "../../src/commands/support/preconditions.ts";
import { loadCommandModules } from "../../src/commands/support/registry.ts";

const commandsDir = fileURLToPath(new URL("../../src/commands/", import.meta.url));

/**
 * The router runs each command's declared checks before its handler (the behaviour is tested
 * end to end in tests/discord); this keeps the declarations complete: a command that queues
 * images without them would acknowledge first and refuse publicly, after the fact.
 */
describe("declared preconditions", () => {
  it("every command that queues images declares the image-request checks for all its uses", async () => {
    const { commands } = await loadCommandModules();
    const queues = (c: { data: { name: string } }) => /\b(imageCommand|enqueueGeneration)\(/.test(readFileSync(`${commandsDir}${fileFor(c.data.name)}`, "utf8"));
    const queuing = [...commands.values()].filter(queues);
    expect(queuing.map((c) => c.data.name).sort()).toEqual(["biggan", "biggan-interpolate", "dataset", "denoise", "evaluate", "gan", "imagine"]);
    for (const c of queuing) expect(c.preconditions?.["*"], `/${c.data.name}`).toEqual(IMAGE_REQUEST);
    expect(IMAGE_REQUEST).toEqual([inImageChannel, withinRequestLimits]);
  });

  it("the 🎲 and V buttons, which queue images too, declare them; ℹ️, Cancel and Delete do not", async () => {
    const { buttons } = await loadCommandModules();
    const gen = buttons.get("gen")!;
    for (const action of ["reroll", "v1", "v2", "v3", "v4"]) expect(gen.preconditions?.[action], action).toEqual(IMAGE_REQUEST);
    for (const action of ["info", "cancel", "delete", "u1", "*"]) expect(gen.preconditions?.[action], action).toBeUndefined();
  });

  it("/train's start, stop (and its Stop button) and resume are for teachers; status and list are not", async () => {
    const { commands } = await loadCommandModules();
    const p = commands.get("train")!.preconditions!;
    for (const sub of ["start", "stop", "resume"]) expect(p[sub], sub).toHaveLength(1);
    for (const sub of ["status", "list", "*"]) expect(p[sub], sub).toBeUndefined();
  });
});

/** The file of a command: its name, as the registry's one-file-per-command rule has it. */
function fileFor(name: string): string {
  return `${name}.ts`;
}
