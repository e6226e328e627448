import type { IssueCollector } from "../errors";
import type {
  NormalizedResources,
  NormalizedRestartPolicy,
  NormalizedService,
  NormalizedUpdatePolicy,
  PlacementConstraint,
  PlacementInput,
  ResourcesInput,
  RestartPolicyInput,
  UpdatePolicyInput,
} from "../types";
import { defaults } from "../defaults";
import { architectureAliases, architectureOf, type Platform } from "../platform";
import { formatCpu, formatMemory, maxExactInteger, maxMillicores, parseCpu, parseMemory } from "../units";
import { readDuration } from "./durations";

function readCpu(value: unknown, path: string, issues: IssueCollector): number | undefined {
  if (value === undefined) return undefined;
  const millicores = parseCpu(value);
  if (millicores === undefined) {
    issues.add(path, `${JSON.stringify(value)} is not a CPU amount; use cores (0.5) or millicores ("500m")`);
  } else if (millicores > maxMillicores) {
    issues.add(path, `must be at most ${formatCpu(maxMillicores)} cores`);
    return undefined;
  }
  return millicores;
}

function readMemory(value: unknown, path: string, issues: IssueCollector): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseMemory(value);
  if (bytes === undefined) {
    issues.add(
      path,
      `${JSON.stringify(value)} is not a memory amount; use bytes or a quantity like "512Mi" or "1Gi"`,
    );
  } else if (bytes > maxExactInteger) {
    issues.add(path, `must be at most ${maxExactInteger} bytes (8Pi)`);
    return undefined;
  } else if (bytes < defaults.minimumMemoryBytes) {
    issues.add(path, `must be at least ${formatMemory(defaults.minimumMemoryBytes)} (Docker's minimum)`);
  }
  return bytes;
}

const genericKindPattern = /^[a-zA-Z0-9][a-zA-Z0-9_./-]*$/;

export function normalizeResources(input: ResourcesInput, issues: IssueCollector): NormalizedResources {
  const cpu = readCpu(input.cpu, "resources.cpu", issues);
  const memory = readMemory(input.memory, "resources.memory", issues);
  const reservedCpu = readCpu(input.reservations?.cpu, "resources.reservations.cpu", issues);
  const reservedMemory = readMemory(input.reservations?.memory, "resources.reservations.memory", issues);
  if (cpu !== undefined && reservedCpu !== undefined && reservedCpu > cpu) {
    issues.add("resources.reservations.cpu", `exceeds the CPU limit (${reservedCpu}m > ${cpu}m)`);
  }
  if (memory !== undefined && reservedMemory !== undefined && reservedMemory > memory) {
    issues.add(
      "resources.reservations.memory",
      `exceeds the memory limit (${formatMemory(reservedMemory)} > ${formatMemory(memory)})`,
    );
  }
  const genericResources = { ...(input.reservations?.genericResources ?? {}) };
  for (const kind of Object.keys(genericResources)) {
    if (!genericKindPattern.test(kind)) {
      issues.add(
        `resources.reservations.genericResources.${kind}`,
        'is not a resource kind: letters, digits, "_", ".", "-" or "/"',
      );
    }
  }
  return {
    ...(cpu !== undefined && { cpu }),
    ...(memory !== undefined && { memory }),
    ...(input.pids !== undefined && { pids: input.pids }),
    reservations: {
      ...(reservedCpu !== undefined && { cpu: reservedCpu }),
      ...(reservedMemory !== undefined && { memory: reservedMemory }),
      genericResources,
    },
  };
}

export function normalizeUpdate(input: UpdatePolicyInput, issues: IssueCollector): NormalizedUpdatePolicy {
  const d = defaults.update;
  return {
    parallelism: input.parallelism ?? d.parallelism,
    delay: readDuration(input.delay, "update.delay", d.delay, issues),
    order: input.order ?? d.order,
    failureAction: input.failureAction ?? d.failureAction,
    monitor: readDuration(input.monitor, "update.monitor", d.monitor, issues),
    maxFailureRatio: input.maxFailureRatio ?? d.maxFailureRatio,
  };
}

export function normalizeRestart(
  input: RestartPolicyInput,
  mode: NormalizedService["mode"],
  issues: IssueCollector,
): NormalizedRestartPolicy {
  const d = defaults.restart;
  const condition = input.condition ?? (mode === "job" ? d.jobCondition : d.condition);
  if (mode === "job" && condition === "any") {
    issues.add(
      "restart.condition",
      'a job restarted on "any" exit would never complete; use "on-failure" or "none"',
    );
  }
  return {
    condition,
    delay: readDuration(input.delay, "restart.delay", d.delay, issues),
    maxAttempts: input.maxAttempts ?? d.maxAttempts,
    window: readDuration(input.window, "restart.window", d.window, issues),
  };
}

const constraintPattern = /^\s*([\w.-]+)\s*(==|!=)\s*(\S(?:.*\S)?)\s*$/;
const fixedAttributes = ["node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch"];
const labelAttribute = /^(node|engine)\.labels\.[\w.-]+$/;

function parseConstraint(
  text: string,
  path: string,
  issues: IssueCollector,
): PlacementConstraint | undefined {
  const match = constraintPattern.exec(text);
  if (!match) {
    issues.add(
      path,
      `${JSON.stringify(text)} is not a constraint; use "<attribute>==<value>" or "<attribute>!=<value>"`,
    );
    return undefined;
  }
  const [, attribute, operator, value] = match;
  if (!fixedAttributes.includes(attribute) && !labelAttribute.test(attribute)) {
    issues.add(
      path,
      `unknown attribute "${attribute}"; use node.labels.<name>, ${fixedAttributes.join(", ")} or engine.labels.<name>`,
    );
    return undefined;
  }
  if (attribute === "node.role" && value !== "manager" && value !== "worker") {
    issues.add(path, `node.role is "manager" or "worker", not "${value}"`);
  }
  return { attribute, operator: operator as "==" | "!=", value };
}

export function normalizePlacement(
  input: PlacementInput,
  mode: NormalizedService["mode"],
  issues: IssueCollector,
): NormalizedService["placement"] {
  const constraints = (input.constraints ?? []).flatMap((c, i) => {
    const parsed = parseConstraint(c, `placement.constraints[${i}]`, issues);
    return parsed ? [parsed] : [];
  });
  if (input.spread !== undefined && !/^node\.labels\.[\w.-]+$/.test(input.spread)) {
    issues.add(
      "placement.spread",
      `must name a node label: "node.labels.<name>", not ${JSON.stringify(input.spread)}`,
    );
  }
  if (input.maxPerNode !== undefined && mode === "global") {
    issues.add("placement.maxPerNode", 'has no meaning with mode "global", which runs one task per node');
  }
  return {
    constraints,
    ...(input.spread !== undefined && { spread: input.spread }),
    ...(input.maxPerNode !== undefined && { maxPerNode: input.maxPerNode }),
  };
}

/**
 * A `node.platform` constraint that contradicts `platform` would leave the service on no node at all:
 * each such constraint is an issue. Constraints that agree with it are kept (and merged by the renderers).
 */
export function checkPlatformConstraints(
  platform: Platform | undefined,
  constraints: PlacementConstraint[],
  issues: IssueCollector,
): void {
  if (platform === undefined) return;
  const arch = architectureOf(platform);
  constraints.forEach((c, i) => {
    const path = `placement.constraints[${i}]`;
    if (c.attribute === "node.platform.arch") {
      const same = architectureAliases[arch].includes(c.value.toLowerCase());
      if (same !== (c.operator === "==")) {
        issues.add(
          path,
          `contradicts platform "${platform}": no node could run the service; remove one of them`,
        );
      }
    } else if (c.attribute === "node.platform.os") {
      const same = c.value.toLowerCase() === "linux";
      if (same !== (c.operator === "==")) {
        issues.add(
          path,
          `contradicts platform "${platform}": no node could run the service; remove one of them`,
        );
      }
    }
  });
}
