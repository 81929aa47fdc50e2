import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EngineInputError } from "../../src/engines/errors.ts";
import { modelName, number, oneOf, parseParams, seed, wholeNumber } from "../../src/engines/params.ts";

/** The request fields engines share: absent means default, and a refusal is one sentence quoting what was sent. */
const schema = z.object({
  n: wholeNumber("n", 1, 16, { default: 4 }),
  steps: wholeNumber("steps", 2, 16),
  seed: seed(),
  truncation: number("truncation", { min: 0, above: true, max: 1, default: 0.4, note: "(lower is more typical)" }),
  aspect: oneOf("aspect", ["1:1", "3:2"], { default: "1:1" }),
  model: modelName(),
});
const refusal = (raw: Record<string, unknown>) => {
  try {
    parseParams(schema, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineInputError);
    return (e as Error).message;
  }
  throw new Error("accepted");
};

describe("engine parameters", () => {
  it("fills defaults for undefined, null and empty fields, and draws a seed Discord can take back", () => {
    for (const absent of [undefined, null, ""]) {
      const p = parseParams(schema, { n: absent, steps: absent, seed: absent, truncation: absent, aspect: absent, model: absent });
      expect(p).toMatchObject({ n: 4, steps: undefined, truncation: 0.4, aspect: "1:1", model: undefined });
      expect(Number.isInteger(p.seed) && p.seed >= 0 && p.seed < 2 ** 31).toBe(true);
    }
  });

  it("reads numbers as Discord options and CLI flags give them", () => {
    expect(parseParams(schema, { n: "7", steps: 16, seed: 4294967295, truncation: "1", aspect: "3:2", model: "mnist-mlp" })).toEqual({ n: 7, steps: 16, seed: 4294967295, truncation: 1, aspect: "3:2", model: "mnist-mlp" });
  });

  it("refuses with the first failing field's one sentence, quoting the value as sent", () => {
    expect(refusal({ n: "abc", steps: 99 })).toBe("n must be a whole number from 1 to 16, not abc.");
    expect(refusal({ steps: 2.5 })).toBe("steps must be a whole number from 2 to 16, not 2.5.");
    expect(refusal({ seed: 2 ** 32 })).toBe("seed must be a whole number from 0 to 4294967295, not 4294967296.");
    expect(refusal({ seed: -1 })).toBe("seed must be a whole number from 0 to 4294967295, not -1.");
    expect(refusal({ truncation: 0 })).toBe("truncation must be a number above 0 and at most 1 (lower is more typical), not 0.");
    expect(refusal({ truncation: "Infinity" })).toBe("truncation must be a number above 0 and at most 1 (lower is more typical), not Infinity.");
    expect(refusal({ aspect: "2:1" })).toBe("aspect must be one of 1:1, 3:2, not 2:1.");
  });

  it("keeps control characters and long input out of the sentence", () => {
    expect(refusal({ aspect: `x\u0000\u001b[2J${"y".repeat(500)}` })).toBe(`aspect must be one of 1:1, 3:2, not x[2J${"y".repeat(56)}….`);
  });
});
