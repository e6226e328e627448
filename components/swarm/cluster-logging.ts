/** A swarm cluster's default log driver, checked as a service's own would be. */
import type { SwarmLogging } from "../spec/render/swarm";
import { type AddIssue, isObject, show, unknownFields } from "../arguments/issues";
import { checkLogDriver } from "../spec/normalize/container";

/** Every problem with a cluster's `logging`, at `logging.driver`, `logging.options.<name>`, .... */
export function clusterLoggingIssues(logging: SwarmLogging | undefined, add: AddIssue): void {
  if (logging === undefined) return;
  if (!isObject(logging)) return add("logging", "must be { driver, options? }");
  unknownFields(logging, ["driver", "options"], "logging.", add);
  if (typeof logging.driver !== "string") add("logging.driver", "is required: a log driver name");
  else checkLogDriver(logging.driver, { add });
  if (logging.options === undefined) return;
  if (!isObject(logging.options)) return add("logging.options", "must be a map of option names to strings");
  for (const [option, value] of Object.entries(logging.options))
    if (typeof value !== "string") add(`logging.options.${option}`, `must be a string, not ${show(value)}`);
}
