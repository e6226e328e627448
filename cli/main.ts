#!/usr/bin/env node
import { readFileSync } from "fs";
import { join } from "path";
import { checkCommand } from "./check";
import { convertCommand } from "./convert";
import { initCommand } from "./init";
import { type Command, exit, type Io, processIo, UsageError } from "./io";
import { renderCommand } from "./render";

export const commands: Command[] = [checkCommand, renderCommand, convertCommand, initCommand];

/** The version in Berth's package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export const mainHelp = `berth: check, render and convert container services for Swarm, Kubernetes and ECS, offline.

Usage: berth <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(9)}${c.summary}`).join("\n")}

Options:
  -h, --help     show help (also: berth <command> --help)
  -v, --version  print Berth's version

Examples:
  berth check compose.yaml --target kubernetes
  berth render compose.yaml --target ecs --out rendered/
  berth convert marathon app.json > compose.yaml
  berth init my-app --target swarm

Exit status: 0 no problems, 1 problems found, 2 the input cannot be read or the command line is wrong.
`;

/** Runs `berth` with `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.out(mainHelp);
    return first === undefined ? exit.unusable : exit.ok;
  }
  if (first === "-v" || first === "--version") {
    io.out(`${version()}\n`);
    return exit.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.err(`berth: unknown command "${first}"\n\n${mainHelp}`);
    return exit.unusable;
  }
  if (rest.includes("-h") || rest.includes("--help")) {
    io.out(command.help);
    return exit.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`berth ${command.name}: ${err.message}\nRun "berth ${command.name} --help" for usage.\n`);
      return exit.unusable;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (err: unknown) => {
      process.stderr.write(`berth: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = exit.unusable;
    },
  );
}
