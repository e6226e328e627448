import type { IssueCollector } from "../errors";
import type { HealthCheckInput, NormalizedHealthCheck } from "../types";
import { defaults } from "../defaults";
import { readDuration } from "./durations";

function commandTest(command: string | string[], issues: IssueCollector): string[] {
  const at = "healthCheck.command";
  if (typeof command === "string") {
    if (command.trim() === "") issues.add(at, "must not be empty");
    return ["CMD-SHELL", command];
  }
  if (command.length === 0) {
    issues.add(at, 'must not be empty; use ["NONE"] to disable the image\'s health check');
    return [];
  }
  const [kind, ...args] = command;
  if (kind === "CMD") {
    if (args.length === 0 || args[0] === "")
      issues.add(at, '"CMD" needs the program to run, e.g. ["CMD", "curl", "-f", "http://localhost/"]');
  } else if (kind === "CMD-SHELL") {
    if (args.length !== 1 || args[0].trim() === "")
      issues.add(
        at,
        '"CMD-SHELL" takes exactly one script, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]',
      );
  } else if (kind === "NONE") {
    if (args.length > 0) issues.add(at, '"NONE" takes no arguments');
  } else {
    issues.add(
      `${at}[0]`,
      `must be "CMD", "CMD-SHELL" or "NONE" (a plain string means CMD-SHELL), not ${JSON.stringify(kind)}`,
    );
  }
  return command;
}

/** The shell probe used where a target has only command health checks (Swarm, ECS). */
export function httpProbeScript(port: number, path: string): string {
  const url = `http://127.0.0.1:${port}${path}`;
  return `wget -q -O /dev/null '${url}' || curl -fsS -o /dev/null '${url}' || exit 1`;
}

export function tcpProbeScript(port: number): string {
  return `nc -z 127.0.0.1 ${port} || exit 1`;
}

export function normalizeHealthCheck(input: HealthCheckInput, issues: IssueCollector): NormalizedHealthCheck {
  const given = (["command", "http", "tcp"] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    issues.add(
      "healthCheck",
      given.length === 0
        ? "needs exactly one of command, http or tcp"
        : `give only one of command, http or tcp (found ${given.join(" and ")})`,
    );
  }
  let test: string[] = [];
  if (input.command !== undefined) test = commandTest(input.command, issues);
  else if (input.http) {
    if (!input.http.path.startsWith("/")) issues.add("healthCheck.http.path", 'must start with "/"');
    test = ["CMD-SHELL", httpProbeScript(input.http.port, input.http.path)];
  } else if (input.tcp) test = ["CMD-SHELL", tcpProbeScript(input.tcp.port)];

  const positive = { min: 1 };
  return {
    test,
    ...(input.http && { http: { path: input.http.path, port: input.http.port } }),
    ...(input.tcp && { tcp: { port: input.tcp.port } }),
    interval: readDuration(
      input.interval,
      "healthCheck.interval",
      defaults.healthCheck.interval,
      issues,
      positive,
    ),
    timeout: readDuration(
      input.timeout,
      "healthCheck.timeout",
      defaults.healthCheck.timeout,
      issues,
      positive,
    ),
    retries: input.retries ?? defaults.healthCheck.retries,
    startPeriod: readDuration(
      input.startPeriod,
      "healthCheck.startPeriod",
      defaults.healthCheck.startPeriod,
      issues,
    ),
    ...(input.startInterval !== undefined && {
      startInterval: readDuration(input.startInterval, "healthCheck.startInterval", 0, issues, positive),
    }),
  };
}
