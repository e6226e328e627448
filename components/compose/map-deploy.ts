import type { PlacementInput, RestartPolicyInput, ServiceInput, UpdatePolicyInput } from "../spec/types";
import { parseDuration } from "../spec/units";
import { type Dict, isDict } from "./dict";
import { type MapContext, refuseUnknown, stringMap } from "./map-context";
import { mapResources } from "./map-resources";
import type { ComposeService } from "./types";

export type DeployFields = Pick<
  ServiceInput,
  "mode" | "replicas" | "endpointMode" | "labels" | "resources" | "restart" | "update" | "placement"
>;

/** Copies the keys of `source` that are present, renamed, noting where each came from. */
function copy<T>(
  source: Dict,
  names: Record<string, string>,
  composePath: string,
  berthPath: string,
  ctx: MapContext,
): T {
  refuseUnknown(source, Object.keys(names), composePath, ctx);
  ctx.from(berthPath, composePath);
  const out: Dict = {};
  for (const [composeKey, berthKey] of Object.entries(names)) {
    if (source[composeKey] === undefined) continue;
    out[berthKey] = source[composeKey];
    ctx.from(`${berthPath}.${berthKey}`, `${composePath}.${composeKey}`);
  }
  return out as T;
}

/** `restart: no | always | unless-stopped | on-failure[:n]`, read as docker stack reads it, except "no". */
function restartFromPolicy(value: unknown, ctx: MapContext): RestartPolicyInput | undefined {
  ctx.from("restart", "restart");
  const text = String(value);
  // docker stack leaves "no" to Swarm's default (restart on any exit); Compose means never.
  if (text === "no") return { condition: "none" };
  if (text === "always" || text === "unless-stopped") return { condition: "any" };
  const onFailure = /^on-failure(?::(\d+))?$/.exec(text);
  if (onFailure) {
    const attempts = Number(onFailure[1] ?? 0);
    return { condition: "on-failure", ...(attempts > 0 && { maxAttempts: attempts }) };
  }
  ctx.refuse(
    "restart",
    `${JSON.stringify(value)} is not a restart policy: no, always, on-failure[:max-retries] or unless-stopped`,
  );
  return undefined;
}

const updateNames = {
  parallelism: "parallelism",
  delay: "delay",
  failure_action: "failureAction",
  monitor: "monitor",
  max_failure_ratio: "maxFailureRatio",
  order: "order",
};

/**
 * Berth rolls back with the update's own settings and pauses a rollback that fails, so a
 * `rollback_config` is accepted only where it says the same.
 */
function checkRollback(rollback: Dict, update: UpdatePolicyInput, ctx: MapContext): void {
  refuseUnknown(rollback, Object.keys(updateNames), "deploy.rollback_config", ctx);
  const ms = (v: unknown) => (v === undefined ? undefined : parseDuration(v));
  const effective: Record<string, [unknown, (v: unknown) => unknown]> = {
    parallelism: [update.parallelism ?? 1, Number],
    delay: [update.delay ?? "0s", ms],
    order: [update.order, String],
    monitor: [update.monitor ?? "5s", ms],
    max_failure_ratio: [update.maxFailureRatio ?? 0, Number],
  };
  for (const [key, value] of Object.entries(rollback)) {
    const at = `deploy.rollback_config.${key}`;
    if (key === "failure_action") {
      if (value !== "pause")
        ctx.refuse(
          at,
          `Berth pauses a rollback that fails; only "pause" can be expressed, not ${JSON.stringify(value)}`,
        );
      continue;
    }
    const rule = effective[key];
    if (!rule) continue;
    const [expected, read] = rule;
    if (read(value) !== read(expected)) {
      ctx.refuse(
        at,
        `is ${JSON.stringify(value)}, but Berth rolls back with the update's ${key} (${JSON.stringify(expected)}); remove it or make the two match`,
      );
    }
  }
}

function mapPlacement(placement: Dict, ctx: MapContext): PlacementInput | undefined {
  const at = "deploy.placement";
  refuseUnknown(placement, ["constraints", "preferences", "max_replicas_per_node"], at, ctx);
  const out: PlacementInput = {};
  if (Array.isArray(placement.constraints) && placement.constraints.length > 0) {
    out.constraints = placement.constraints.map(String);
    ctx.from("placement.constraints", `${at}.constraints`);
  }
  const preferences = Array.isArray(placement.preferences) ? placement.preferences : [];
  preferences.forEach((preference: unknown, i) => {
    const spread = isDict(preference) ? preference.spread : undefined;
    if (i > 0)
      ctx.refuse(`${at}.preferences[${i}]`, "Berth spreads over one node label; give one preference");
    else if (typeof spread !== "string") ctx.refuse(`${at}.preferences[0]`, "needs spread: <node label>");
    else {
      out.spread = spread;
      ctx.from("placement.spread", `${at}.preferences[0].spread`);
    }
  });
  const maxPerNode = Number(placement.max_replicas_per_node ?? 0);
  if (maxPerNode !== 0) {
    out.maxPerNode = maxPerNode;
    ctx.from("placement.maxPerNode", `${at}.max_replicas_per_node`);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `deploy`, with `scale`, `cpus`, `mem_limit`, `mem_reservation` and `restart`. Where Compose's
 * defaults differ from Berth's (update order stop-first, failure action pause), Compose's are set.
 */
export function mapDeploy(s: ComposeService, ctx: MapContext): DeployFields {
  const deploy: Dict = isDict(s.deploy) ? s.deploy : {};
  const known = [
    "mode",
    "endpoint_mode",
    "replicas",
    "labels",
    "rollback_config",
    "update_config",
    "resources",
    "restart_policy",
    "placement",
  ];
  refuseUnknown(deploy, known, "deploy", ctx);
  const out: DeployFields = {};

  const modes: Record<string, ServiceInput["mode"]> = {
    replicated: "replicated",
    global: "global",
    "replicated-job": "job",
  };
  if (deploy.mode === "global-job") {
    ctx.refuse("deploy.mode", `"global-job" is not supported by Berth yet; use replicated-job with replicas`);
  } else if (deploy.mode !== undefined) {
    out.mode = modes[String(deploy.mode)];
    if (out.mode === undefined) {
      ctx.refuse(
        "deploy.mode",
        `${JSON.stringify(deploy.mode)} is not a mode: replicated, global, replicated-job or global-job`,
      );
    }
    ctx.from("mode", "deploy.mode");
  }
  const counts = [
    { value: deploy.replicas, path: "deploy.replicas" },
    { value: s.scale, path: "scale" },
  ].filter((c) => c.value !== undefined && c.value !== null);
  for (const { value, path } of counts) {
    if (!/^\d+$/.test(String(value)))
      ctx.refuse(path, `${JSON.stringify(value)} is not a number of replicas`);
  }
  if (counts.length === 2 && Number(counts[0].value) !== Number(counts[1].value)) {
    ctx.refuse(
      "scale",
      `is ${String(counts[1].value)} but deploy.replicas is ${String(counts[0].value)}; give one of them`,
    );
  }
  if (counts.length > 0 && /^\d+$/.test(String(counts[0].value))) {
    out.replicas = Number(counts[0].value);
    ctx.from("replicas", counts[0].path);
  }
  if (deploy.endpoint_mode !== undefined) {
    out.endpointMode = deploy.endpoint_mode as ServiceInput["endpointMode"];
    ctx.from("endpointMode", "deploy.endpoint_mode");
  }
  if (deploy.labels !== undefined) {
    out.labels = stringMap(deploy.labels);
    ctx.from("labels", "deploy.labels");
  }
  const resources = mapResources(s, ctx);
  if (resources) out.resources = resources;

  if (isDict(deploy.restart_policy)) {
    if (s.restart !== undefined)
      ctx.ignore("restart", "deploy.restart_policy is set, and takes precedence as with docker stack");
    const names = { condition: "condition", delay: "delay", max_attempts: "maxAttempts", window: "window" };
    out.restart = copy(deploy.restart_policy, names, "deploy.restart_policy", "restart", ctx);
  } else if (s.restart !== undefined) {
    out.restart = restartFromPolicy(s.restart, ctx);
  }

  ctx.from("update", "deploy.update_config");
  const given: UpdatePolicyInput = isDict(deploy.update_config)
    ? copy(deploy.update_config, updateNames, "deploy.update_config", "update", ctx)
    : {};
  if (out.mode === "job") {
    // Left for the spec to refuse: jobs are not rolled.
    if (deploy.update_config !== undefined) out.update = given;
    if (deploy.rollback_config !== undefined)
      ctx.refuse(
        "deploy.rollback_config",
        'has no meaning with mode "replicated-job": jobs are not rolled back',
      );
  } else {
    out.update = { order: "stop-first", failureAction: "pause", ...given };
    if (isDict(deploy.rollback_config)) checkRollback(deploy.rollback_config, out.update, ctx);
  }
  if (isDict(deploy.placement)) {
    const placement = mapPlacement(deploy.placement, ctx);
    if (placement) out.placement = placement;
  }
  return out;
}
