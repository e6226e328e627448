import * as pulumi from "@pulumi/pulumi";
import { waitForConvergence } from "./convergence";
import { engineKeyOf } from "./task-board";
import { type EngineConnections, managerClient } from "./managers";
import { knownConnectionProblems, sameValue } from "./identity";
import { isUnknown, isKnown } from "../unknowns";
import { modeOf, progressLogger, SwarmService } from "./service";
import { withSecretOutputs } from "./resource-options";
import { dynamicProvider } from "../reference";

/** One service a {@link SwarmStackConvergence} waits for, as its `SwarmService` recorded it. */
export interface StackServiceTarget {
  /** The service's ID. */
  id: string;
  /** The service's name, for progress lines and errors. */
  name: string;
  /** The spec version `SwarmService` recorded after its last create or update. */
  version: number;
  mode: "replicated" | "global" | "job";
  /** Replicated: running tasks wanted; job: completions wanted; global: ignored. */
  replicas: number;
  /** How long the service may take to converge. */
  timeoutSeconds: number;
  /**
   * Whether the service's last change was an update of an existing service (`SwarmService`'s
   * `lastChange.updating`). Default: false (a created service).
   */
  updating?: boolean;
  /** `lastChange.staleUpdateStatus` of the `SwarmService`: the UpdateStatus the service had before that update. */
  staleUpdateStatus?: string;
}

export interface StackConvergenceInputs {
  connection: EngineConnections;
  services: StackServiceTarget[];
}

const modes = ["replicated", "global", "job"];

/** Problems in the known parts of the services list; parts not known yet (preview) pass. */
function targetProblems(services: unknown): { property: string; reason: string }[] {
  if (isUnknown(services)) return [];
  if (!Array.isArray(services)) return [{ property: "services", reason: "must be a list of services" }];
  const problems: { property: string; reason: string }[] = [];
  services.forEach((target: unknown, i) => {
    if (isUnknown(target)) return;
    const at = `services[${i}]`;
    if (!target || typeof target !== "object") {
      problems.push({
        property: at,
        reason: "must be a service (id, name, version, mode, replicas, timeoutSeconds)",
      });
      return;
    }
    const t = target as Record<string, unknown>;
    const known = (k: string) => !isUnknown(t[k]);
    const field = (k: string, ok: boolean, reason: string) => {
      if (known(k) && !ok) problems.push({ property: `${at}.${k}`, reason });
    };
    field("id", typeof t.id === "string" && t.id !== "", "must be the service's ID");
    field("name", typeof t.name === "string" && t.name !== "", "must be the service's name");
    field("version", typeof t.version === "number", "must be the service's spec version");
    field("mode", modes.includes(t.mode as string), "must be replicated, global or job");
    field(
      "replicas",
      typeof t.replicas === "number" && t.replicas >= 0,
      "must be a number of tasks, 0 or more",
    );
    field(
      "timeoutSeconds",
      typeof t.timeoutSeconds === "number" && t.timeoutSeconds > 0,
      "must be a positive number of seconds",
    );
    field("updating", t.updating === undefined || typeof t.updating === "boolean", "must be true or false");
  });
  return problems;
}

/** What a change of the inputs is about: the services' identities and spec versions, in order. */
function waitedFor(services: unknown): unknown {
  if (!Array.isArray(services)) return services;
  return services.map((t: unknown) =>
    t && typeof t === "object"
      ? { id: (t as { id?: unknown }).id, version: (t as { version?: unknown }).version }
      : t,
  );
}

/**
 * Waits for every service at once, on the shared task board of the engine (the one `SwarmService`'s
 * own waits use), and fails listing each service that did not converge with its reason.
 *
 * How an update is told from what came before it, when the wait runs in another resource than the
 * update: the wait starts later than the update (after every service of the stack was sent), so
 * Swarm may already have finished, paused or rolled the update back. Reading the UpdateStatus at the
 * start of this wait and taking it as stale would then take the verdict of this very update for an
 * old one, and report a rolled-back service as converged. So `SwarmService` records, with the spec
 * version, whether its last change was an update and the UpdateStatus the service had just before it
 * (`lastChange`); that is passed here unchanged, and any other UpdateStatus seen is this update's (or
 * a later one's). The pair belongs to the recorded version: both change together when the service is
 * updated again. One thing differs from a wait right after the update: task failures already listed
 * at the first poll of an update are taken as an earlier run's (see `waitForConvergence`), so a spec
 * that fails at once is reported after its next failures, a few seconds later than it could be.
 */
async function waitForAll(inputs: StackConvergenceInputs): Promise<void> {
  const services = inputs.services ?? [];
  if (services.length === 0) return;
  const longest = Math.max(...services.map((s) => s.timeoutSeconds));
  const docker = managerClient(inputs.connection, longest);
  const engineKey = engineKeyOf(inputs.connection);
  const results = await Promise.allSettled(
    services.map((s) =>
      waitForConvergence(
        docker,
        {
          serviceId: s.id,
          mode: s.mode,
          replicas: s.replicas,
          updating: s.updating === true,
          staleUpdateStatus: s.staleUpdateStatus,
        },
        { timeoutMs: s.timeoutSeconds * 1000, progress: progressLogger(s.name), engineKey },
      ),
    ),
  );
  const failed = results.flatMap((r, i) =>
    r.status === "rejected"
      ? [`service ${services[i].name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`]
      : [],
  );
  if (failed.length === 0) return;
  const of = services.length === 1 ? "the 1 service" : `${services.length} services`;
  throw new Error(`${failed.length} of ${of} did not converge:\n${failed.join("\n")}`);
}

/**
 * The dynamic provider of {@link SwarmStackConvergence}: create and update wait for all the services
 * together; there is nothing on the engine to read or delete.
 */
export const stackConvergenceProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: StackConvergenceInputs, news: StackConvergenceInputs) {
    return {
      inputs: news,
      failures: [...knownConnectionProblems(news.connection), ...targetProblems(news.services)],
    };
  },

  /**
   * A change of any service's ID or version, or of which services are listed, is an update (a wait);
   * anything else (the connection, timeouts) is no change. A failed wait keeps the previous state, so
   * the next `up` finds the versions changed and waits again. Never a replacement.
   */
  async diff(_id: string, olds: StackConvergenceInputs, news: StackConvergenceInputs) {
    const next = waitedFor(news.services);
    // A value not known yet (preview) differs from any recorded one, so it reports a change.
    const changes = !isKnown(next) || !sameValue(waitedFor(olds.services), next);
    return { changes, replaces: [] };
  },

  async create(inputs: StackConvergenceInputs) {
    await waitForAll(inputs);
    const { randomUUID } = require("crypto") as typeof import("crypto");
    return { id: randomUUID(), outs: inputs };
  },

  /** Waits for every service listed, changed or not: a stack is converged when all of it is. */
  async update(_id: string, _olds: StackConvergenceInputs, news: StackConvergenceInputs) {
    await waitForAll(news);
    return { outs: news };
  },

  async read(id: string, props: StackConvergenceInputs) {
    return { id, props };
  },

  async delete() {
    // Nothing was created on the engine.
  },
};

export interface SwarmStackConvergenceArgs {
  /**
   * The services to wait for: `SwarmService` resources (usually created with
   * `awaitConvergence: false`), or their targets as plain values.
   */
  services: (SwarmService | pulumi.Input<StackServiceTarget>)[];
  /**
   * How to reach a manager of the services' swarm: the same connection as the services', so that the
   * waits share the engine's task board with theirs. Default: the local engine.
   */
  connection?: pulumi.Input<EngineConnections>;
}

/** The target a {@link SwarmStackConvergence} waits for, from a service's outputs. */
export function stackServiceTarget(service: SwarmService): pulumi.Output<StackServiceTarget> {
  return pulumi
    .all([service.id, service.spec, service.version, service.timeoutSeconds, service.lastChange])
    .apply(([id, spec, version, timeoutSeconds, lastChange]) => {
      const target: StackServiceTarget = {
        id,
        name: spec.Name,
        version,
        ...modeOf(spec),
        timeoutSeconds,
        updating: lastChange?.updating ?? false,
      };
      if (lastChange?.staleUpdateStatus !== undefined)
        target.staleUpdateStatus = lastChange.staleUpdateStatus;
      return target;
    });
}

/**
 * Waits until every service listed has converged (each by the rule `SwarmService` applies: every task
 * of its current spec running for the update policy's `monitor`, an update neither paused nor rolled
 * back), all at once, with a progress line per service. Give it the services of a stack created with
 * `awaitConvergence: false`: they are then created side by side and waited for once, as
 * `docker stack deploy` does, instead of each holding a deployment worker through its own wait. It
 * fails naming every service that did not converge and why; the failure keeps the previous state, so
 * the next `up` waits again. It waits again whenever a service's ID or spec version changed, and not
 * otherwise (a refresh that finds a new version counts as a change). Delete does nothing.
 */
export class SwarmStackConvergence extends pulumi.dynamic.Resource {
  declare readonly services: pulumi.Output<StackServiceTarget[]>;

  constructor(name: string, args: SwarmStackConvergenceArgs, opts?: pulumi.CustomResourceOptions) {
    const services = args.services.map((s) => (s instanceof SwarmService ? stackServiceTarget(s) : s));
    super(
      dynamicProvider("swarm:stack-convergence", stackConvergenceProvider),
      name,
      {
        // A connection may carry a key: it is secret in state whether or not the caller wrapped it.
        connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
        services,
      },
      withSecretOutputs(opts, ["connection"]),
      "berth/swarm",
      "SwarmStackConvergence",
    );
  }
}
