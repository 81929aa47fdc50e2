import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const genlabBin = fileURLToPath(new URL("../../bin/genlab.js", import.meta.url));

/** Environment for a child genlab: only what the test gives, plus PATH/HOME. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "info", ...env };
}

export function runGenlab(args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [genlabBin, ...args], { env: childEnv(env) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`genlab ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running genlab and resolves once a stderr log line matches `ready`. */
export function startGenlab(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 180_000): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [genlabBin, ...args], { env: childEnv(env) });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`genlab ${args.join(" ")} was not ready within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!ready.test(out)) reject(new Error(`genlab ${args.join(" ")} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

/** Resolves with the exit code (null when a signal ended it), at once if it already ended. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (hasExited(child) ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

const workerChildScript = fileURLToPath(new URL("./worker-child.ts", import.meta.url));

/** A separate `genlab worker` process with the test engine (tests/support/worker-child.ts), resolved once it is ready. */
export function spawnWorkerChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", workerChildScript], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("worker ready")) resolve(child);
    });
    child.stderr!.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
}
