/**
 * Prometheus's and Alertmanager's own checkers (promtool, amtool) from the test bed's images, run on a
 * configuration the code rendered: the real parsers, not a copy of their rules.
 */
import { execFile } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { promisify } from "util";

const run = promisify(execFile);

/** Whether the image the checker lives in is present. */
export async function haveImage(image: string): Promise<boolean> {
  try {
    await run("docker", ["image", "inspect", image]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `tool args... /check/<file>` in `image` with `files` written to a folder mounted at /check.
 * Resolves with the output; rejects with the tool's output when it refuses.
 */
export async function checkWith(
  image: string,
  tool: string,
  args: string[],
  files: Record<string, string>,
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-check-"));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    fs.chmodSync(dir, 0o755);
    const { stdout, stderr } = await run("docker", [
      "run",
      "--rm",
      "--network",
      "none",
      "-v",
      `${dir}:/check:ro`,
      "--entrypoint",
      tool,
      image,
      ...args,
    ]).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`${tool} ${args.join(" ")} refused:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    });
    return stdout + stderr;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` on a rules file. */
export const promtoolCheckRules = (rules: string): Promise<string> =>
  checkWith("local/prometheus:test", "promtool", ["check", "rules", "/check/rules.yml"], {
    "rules.yml": rules,
  });

/** `amtool check-config` on an Alertmanager configuration. */
export const amtoolCheckConfig = (config: string): Promise<string> =>
  checkWith("local/alertmanager:test", "amtool", ["check-config", "/check/alertmanager.yml"], {
    "alertmanager.yml": config,
  });
