import { main } from "../../cli/main";

/** What one `berth` run printed, and its exit status. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `berth <argv>` in-process in `cwd`, capturing what it prints. */
export async function berth(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
    cwd,
    env: { HOME: "/home/tester", ...env },
  });
  return { status, stdout, stderr };
}
