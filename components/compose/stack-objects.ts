import { readFileSync } from "fs";
import * as pulumi from "@pulumi/pulumi";
import type { ComposeFileObject, ComposeProject } from "./types";

/** Names of the networks, secrets and configs that the project's services use. */
export function usedResources(project: ComposeProject): {
  networks: Set<string>;
  secrets: Set<string>;
  configs: Set<string>;
} {
  const used = { networks: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>() };
  for (const service of Object.values(project.services)) {
    for (const n of Object.keys(service.networks ?? {})) used.networks.add(n);
    for (const s of service.secrets ?? []) used.secrets.add(s.source);
    for (const c of service.configs ?? []) used.configs.add(c.source);
  }
  return used;
}

/**
 * Where a secret's or config's content comes from, in Compose's order: a value the program gives,
 * else the `file`, the `environment` variable or the inline `content` the project names.
 * @throws Error naming the object when there is none.
 */
export function fileObjectData(
  kind: "secret" | "config",
  key: string,
  object: ComposeFileObject,
  given: pulumi.Input<string> | undefined,
  env: Record<string, string | undefined>,
): pulumi.Input<string> {
  if (given !== undefined) return given;
  if (typeof object.file === "string") {
    try {
      return readFileSync(object.file, "utf8");
    } catch (err) {
      throw new Error(`${kind} "${key}": cannot read ${object.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  if (typeof object.environment === "string") {
    const value = env[object.environment];
    if (value === undefined) {
      throw new Error(`${kind} "${key}": the environment variable ${object.environment} is not set`);
    }
    return value;
  }
  if (typeof object.content === "string") return object.content;
  throw new Error(`${kind} "${key}" has no file, environment or content, and no value was given for it`);
}

/** Orders services so that each comes after the ones it depends on. @throws Error on a cycle. */
export function dependencyOrder(dependsOn: Record<string, string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting")
      throw new Error(`depends_on makes a cycle: ${[...path, name].join(" -> ")}`);
    state.set(name, "visiting");
    for (const dep of dependsOn[name] ?? []) visit(dep, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of Object.keys(dependsOn)) visit(name, []);
  return order;
}
