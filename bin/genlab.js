#!/usr/bin/env node
// GenLab runs its TypeScript sources directly (tsx), so there is no build step to forget.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
