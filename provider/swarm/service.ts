import { setTimeout as sleep } from "timers/promises";
import * as pulumi from "@pulumi/pulumi";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { waitForConvergence } from "./convergence";
import { engineKeyOf } from "./task-board";
import { type EngineConnections, managerClient } from "./managers";
import { isNotFound, isOutOfSequence, maxVersionRetries } from "./engine-errors";
import {
  createFailure,
  knownConnectionProblems,
  notOwnedReason,
  ownerFromLabels,
  requireSameSwarm,
  sameValue,
  swarmIdOf,
} from "./identity";
import { engineLog } from "./log";
import { isUnknown, isKnown } from "../unknowns";
import { adoptionRefusal, isOwnedBy, type Owner, ownerLabelKeys, ownerLabels, userLabels } from "./ownership";
import { referencesAsWritten, resolveReferences } from "./references";
import { requireEngineApi } from "./service-api";
import { type ProviderServiceSpec, specAsWritten } from "./service-spec";
import { currentOwner, withSecretOutputs } from "./resource-options";
import { dynamicProvider } from "../reference";

/** Credentials for a private image, sent to the engine as `X-Registry-Auth`. */
export interface RegistryAuth {
  /** The registry's host. */
  serveraddress: string;
  /** The user name to log in with. */
  username: string;
  /** The password or token to log in with. */
  password: string;
}

export interface ServiceInputs {
  connection: EngineConnections;
  owner: Owner;
  /** The rendered spec without secret variables; labels are the user's (ownership labels are added). */
  spec: ProviderServiceSpec;
  /** Variables whose values are secrets, merged into the container's environment on the engine only. */
  secretEnv: Record<string, string>;
  registryAuth?: RegistryAuth;
  /** How long create and update wait for convergence. */
  timeoutSeconds: number;
  /**
   * False: create and update return once the engine accepted the spec, and a
   * `SwarmStackConvergence` waits for the service instead. Absent (state written before it existed)
   * means true. Not compared by `diff`: changing only this changes nothing on the engine.
   */
  awaitConvergence?: boolean;
}

/**
 * What the last create or update did to the service, as a convergence wait that runs later (in a
 * `SwarmStackConvergence`) needs to know it.
 */
export interface ServiceChange {
  /** True when the service already existed and its spec was updated: Swarm reports the outcome in `UpdateStatus`. */
  updating: boolean;
  /** The service's `UpdateStatus` (as JSON) just before that update: left by an earlier one, it says nothing about this one. */
  staleUpdateStatus?: string;
}

export interface ServiceOutputs extends ServiceInputs {
  /**
   * The ID of the swarm the service belongs to. With the service's ID it is the resource's identity:
   * a connection that reaches another swarm is refused, whatever else about it changed.
   */
  swarmId: string;
  /** The engine's spec version after the last change. */
  version: number;
  /** What the last create or update did (absent in state written before it was recorded, or imported). */
  lastChange?: ServiceChange;
}

/** The mode a convergence wait needs: its kind and the tasks (or completions) wanted. */
export function modeOf(spec: ProviderServiceSpec): {
  mode: "replicated" | "global" | "job";
  replicas: number;
} {
  if ("Global" in spec.Mode) return { mode: "global", replicas: 0 };
  if ("ReplicatedJob" in spec.Mode)
    return { mode: "job", replicas: spec.Mode.ReplicatedJob.TotalCompletions };
  return { mode: "replicated", replicas: spec.Mode.Replicated.Replicas };
}

/** The spec as the engine must receive it: ownership labels, secret variables, resolved references. */
async function engineSpec(docker: Dockerode, inputs: ServiceInputs): Promise<ProviderServiceSpec> {
  await requireEngineApi(docker, inputs.spec);
  const container = inputs.spec.TaskTemplate.ContainerSpec;
  const secretVars = Object.entries(inputs.secretEnv ?? {}).map(([k, v]) => `${k}=${v}`);
  const withSecrets: ProviderServiceSpec = {
    ...inputs.spec,
    Labels: { ...inputs.spec.Labels, ...ownerLabels(inputs.owner) },
    TaskTemplate: {
      ...inputs.spec.TaskTemplate,
      ContainerSpec: { ...container, Env: [...(container.Env ?? []), ...secretVars].sort() },
    },
  };
  return resolveReferences(docker, withSecrets);
}

/** Progress lines of a wait, naming the service ("web: 2/3 tasks running"). */
export function progressLogger(name: string) {
  return (line: string) => engineLog("info", `${name}: ${line}`);
}

async function converge(
  docker: Dockerode,
  id: string,
  inputs: ServiceInputs,
  update?: { staleUpdateStatus?: string },
): Promise<number> {
  const { mode, replicas } = modeOf(inputs.spec);
  await waitForConvergence(
    docker,
    {
      serviceId: id,
      mode,
      replicas,
      updating: update !== undefined,
      staleUpdateStatus: update?.staleUpdateStatus,
    },
    {
      timeoutMs: inputs.timeoutSeconds * 1000,
      progress: progressLogger(inputs.spec.Name),
      engineKey: engineKeyOf(inputs.connection),
    },
  );
  const after = (await docker.getService(id).inspect()) as { Version: { Index: number } };
  return after.Version.Index;
}

/**
 * The outputs of create and update: the inputs as given (with the host's `__provider`, which destroy
 * and refresh need to load this provider again), the swarm and the spec version. They include
 * `secretEnv` and `registryAuth`, which `SwarmService` keeps secret in state through
 * `additionalSecretOutputs`.
 */
function outputsOf(
  inputs: ServiceInputs,
  swarmId: string,
  version: number,
  update?: { staleUpdateStatus?: string },
): ServiceOutputs {
  const lastChange: ServiceChange = { updating: update !== undefined };
  if (update?.staleUpdateStatus !== undefined) lastChange.staleUpdateStatus = update.staleUpdateStatus;
  return { ...inputs, swarmId, version, lastChange };
}

/**
 * Waits for convergence, or with `awaitConvergence: false` only reads the version the engine gave the
 * accepted spec (a `SwarmStackConvergence` waits later, from the outputs).
 */
async function settle(
  docker: Dockerode,
  id: string,
  inputs: ServiceInputs,
  update?: { staleUpdateStatus?: string },
): Promise<number> {
  if (inputs.awaitConvergence !== false) return converge(docker, id, inputs, update);
  return ((await docker.getService(id).inspect()) as { Version: { Index: number } }).Version.Index;
}

/** The owner an imported service's labels name (its component defaulting to the service's name). */
function importedOwner(spec: { Name: string; Labels?: Record<string, string> }): Owner {
  const owner = ownerFromLabels(spec.Labels, spec.Name);
  if (!owner) {
    throw new Error(
      `service ${spec.Name} has no ${ownerLabelKeys.project} and ${ownerLabelKeys.stack} labels, so it is ` +
        `no stack's service; label it first (docker service update --label-add ${ownerLabelKeys.project}=<project> ` +
        `--label-add ${ownerLabelKeys.stack}=<stack> ${spec.Name}), then import it`,
    );
  }
  return owner;
}

/** The service's spec version, or 0 when it cannot be read. */
async function versionOf(docker: Dockerode, id: string): Promise<number> {
  try {
    return ((await docker.getService(id).inspect()) as { Version: { Index: number } }).Version.Index;
  } catch {
    return 0;
  }
}

/** The mode's kind, or undefined while the spec or its mode is not known yet. */
function modeKind(spec: unknown): "replicated" | "global" | "job" | undefined {
  const mode = spec && typeof spec === "object" ? (spec as { Mode?: unknown }).Mode : undefined;
  if (!mode || typeof mode !== "object") return undefined;
  if ("Global" in mode) return "global";
  if ("ReplicatedJob" in mode) return "job";
  if ("Replicated" in mode) return "replicated";
  return undefined;
}

/** Problems in the known parts of a spec; parts not known yet (preview) pass. */
function specProblems(spec: unknown): { property: string; reason: string }[] {
  if (isUnknown(spec)) return [];
  const s = spec as { Name?: unknown; TaskTemplate?: unknown; Mode?: unknown } | undefined;
  const template = s?.TaskTemplate as { ContainerSpec?: unknown } | undefined;
  const container = isUnknown(template)
    ? template
    : (template?.ContainerSpec as { Image?: unknown } | undefined);
  const image = isUnknown(container) ? container : (container as { Image?: unknown } | undefined)?.Image;
  const problems: { property: string; reason: string }[] = [];
  // The placeholder is a string, so a Name or Image not known yet passes these checks.
  if (!s || typeof s !== "object" || typeof s.Name !== "string" || typeof image !== "string" || !image) {
    problems.push({
      property: "spec",
      reason: "must be a Swarm ServiceSpec with Name and TaskTemplate.ContainerSpec.Image",
    });
  } else if (!isUnknown(s.Mode) && modeKind(s) === undefined) {
    problems.push({ property: "spec.Mode", reason: "must hold Replicated, Global or ReplicatedJob" });
  }
  return problems;
}

/**
 * The inputs `diff` compares, each with the value an absent one stands for. `awaitConvergence` is not
 * among them: it changes what create and update wait for, never the service.
 */
const comparedInputs = {
  spec: null,
  secretEnv: {},
  registryAuth: null,
  timeoutSeconds: 300,
  connection: {},
  owner: null,
} as const;

/** The dynamic provider for Swarm services: creates, updates and waits until the service has converged. */
export const serviceProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ServiceInputs, news: ServiceInputs) {
    const failures = [...knownConnectionProblems(news.connection), ...specProblems(news.spec)];
    const timeout: unknown = news.timeoutSeconds;
    if (!isUnknown(timeout) && !(typeof timeout === "number" && timeout > 0)) {
      failures.push({ property: "timeoutSeconds", reason: "must be a positive number of seconds" });
    }
    const wait: unknown = news.awaitConvergence;
    if (wait !== undefined && !isUnknown(wait) && typeof wait !== "boolean") {
      failures.push({ property: "awaitConvergence", reason: "must be true or false" });
    }
    return { inputs: news, failures };
  },

  /**
   * Replaces only on a known change of the service's name or mode kind, which Swarm cannot update.
   * A new connection (credentials, another manager) or owner (an aliased rename) updates in place;
   * an input not known yet is a change.
   */
  async diff(_id: string, olds: ServiceOutputs, news: ServiceInputs) {
    const replaces: string[] = [];
    const newSpec: unknown = news.spec;
    const newName = newSpec && typeof newSpec === "object" ? (newSpec as { Name?: unknown }).Name : newSpec;
    if (isKnown(newName) && olds.spec?.Name !== newName) replaces.push("spec.Name");
    const newMode = modeKind(newSpec);
    if (newMode !== undefined && modeKind(olds.spec) !== newMode) replaces.push("spec.Mode");
    const changed = (Object.keys(comparedInputs) as (keyof typeof comparedInputs)[]).some(
      (k) => !sameValue(olds[k] ?? comparedInputs[k], news[k] ?? comparedInputs[k]),
    );
    return {
      changes: changed || replaces.length > 0,
      replaces,
      // Under the same name the old service must go first.
      deleteBeforeReplace: replaces.length > 0 && !replaces.includes("spec.Name"),
    };
  },

  async create(inputs: ServiceInputs) {
    const docker = managerClient(inputs.connection, inputs.timeoutSeconds);
    const swarmId = await swarmIdOf(inputs.connection, docker);
    const name = inputs.spec.Name;
    const existing = (await docker.listServices({ filters: JSON.stringify({ name: [name] }) })).find(
      (s) => s.Spec?.Name === name,
    );
    const refusal = existing && adoptionRefusal(`service ${name}`, existing.Spec?.Labels, inputs.owner);
    if (refusal) throw new Error(refusal);
    const spec = await engineSpec(docker, inputs);
    let id = existing?.ID ?? "";
    try {
      let update: { staleUpdateStatus?: string } | undefined;
      if (id) {
        // Left by an interrupted run of this resource: bring it to the wanted spec.
        update = await updateWithRetry(docker, id, spec, inputs.registryAuth);
      } else {
        const created = (await docker.createService(
          inputs.registryAuth as never,
          { _query: {}, _body: spec } as never,
        )) as unknown as { ID?: string; id?: string };
        id = created.ID ?? created.id ?? "";
      }
      const version = await settle(docker, id, inputs, update);
      return { id, outs: outputsOf(inputs, swarmId, version, update) };
    } catch (err) {
      if (!id) throw err;
      // The service exists: hand the host its ID and full state (with `__provider`), so that destroy
      // and refresh work from the failed create.
      throw createFailure(
        `service ${name}`,
        err,
        id,
        outputsOf(inputs, swarmId, await versionOf(docker, id)),
      );
    }
  },

  /**
   * Reads the service back in the shape its inputs carry, so an unchanged service shows no
   * difference and every change made on the engine does. With empty props (`pulumi import`) the
   * state is rebuilt from the local engine and the service's ownership labels.
   */
  async read(id: string, props: Partial<ServiceOutputs>) {
    const docker = managerClient(props.connection, props.timeoutSeconds);
    const what = `service ${props.spec?.Name ?? id}`;
    const swarmId = await requireSameSwarm(props.connection, props.swarmId, what, docker);
    let found: { ID: string; Spec: ProviderServiceSpec; Version: { Index: number } };
    try {
      found = (await docker.getService(id).inspect()) as typeof found;
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    const owner = props.owner ?? importedOwner(found.Spec);
    const secretKeys = new Set(Object.keys(props.secretEnv ?? {}));
    const env = found.Spec.TaskTemplate.ContainerSpec.Env ?? [];
    const isSecret = (entry: string) => secretKeys.has(entry.split("=")[0]);
    const secretEnv = Object.fromEntries(
      env.filter(isSecret).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
    const engine: ProviderServiceSpec = {
      ...found.Spec,
      Labels: userLabels(found.Spec.Labels),
      TaskTemplate: {
        ...found.Spec.TaskTemplate,
        ContainerSpec: { ...found.Spec.TaskTemplate.ContainerSpec, Env: env.filter((e) => !isSecret(e)) },
      },
    };
    // IDs the provider filled in are mapped back last: the shape keeps them as non-empty values.
    const shaped = specAsWritten(props.spec, engine) as ProviderServiceSpec;
    const inputs: ServiceInputs = {
      ...props,
      connection: props.connection ?? {},
      owner,
      spec: await referencesAsWritten(docker, shaped, props.spec),
      secretEnv,
      timeoutSeconds: props.timeoutSeconds ?? 300,
    };
    const outs: ServiceOutputs = { ...inputs, swarmId, version: found.Version.Index };
    // On import there were no inputs: give the engine the ones the service was made from.
    return props.spec === undefined ? { id: found.ID, props: outs, inputs } : { id: found.ID, props: outs };
  },

  async update(id: string, olds: ServiceOutputs, news: ServiceInputs) {
    const docker = managerClient(news.connection, news.timeoutSeconds);
    const swarmId = await requireSameSwarm(
      news.connection,
      olds.swarmId,
      `service ${news.spec.Name}`,
      docker,
    );
    const current = (await docker.getService(id).inspect()) as { Spec: ProviderServiceSpec };
    // After an aliased rename the labels still name the old URN; an interrupted relabel, the new one.
    const refusal = isOwnedBy(current.Spec.Labels, news.owner)
      ? undefined
      : notOwnedReason(
          `service ${current.Spec.Name}`,
          current.Spec.Labels,
          olds.owner ?? news.owner,
          "changing",
        );
    if (refusal) throw new Error(refusal);
    const spec = await engineSpec(docker, news);
    const update = await updateWithRetry(docker, id, spec, news.registryAuth);
    try {
      const version = await settle(docker, id, news, update);
      return { outs: outputsOf(news, swarmId, version, update) };
    } catch (err) {
      throw new Error(`service ${news.spec.Name}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  },

  async delete(id: string, props: ServiceOutputs) {
    const docker = managerClient(props.connection, props.timeoutSeconds);
    await requireSameSwarm(props.connection, props.swarmId, `service ${props.spec?.Name ?? id}`, docker);
    try {
      const found = (await docker.getService(id).inspect()) as { Spec: ProviderServiceSpec };
      const refusal = notOwnedReason(
        `service ${found.Spec.Name}`,
        found.Spec.Labels,
        props.owner,
        "deleting",
      );
      if (refusal) throw new Error(refusal);
      await docker.getService(id).remove();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    // Networks and secrets the service used can only go once its tasks have.
    const deadline = Date.now() + (props.timeoutSeconds ?? 300) * 1000;
    for (;;) {
      // A service filter answers 404 once the service is gone, while its tasks are still stopping.
      const all = (await docker.listTasks()) as { ServiceID: string }[];
      const tasks = all.filter((task) => task.ServiceID === id);
      if (tasks.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`service ${props.spec.Name}: ${tasks.length} tasks still present after delete`);
      await sleep(500);
    }
  },
};

/**
 * Sends the full spec with the current version, again when another writer got there first. Returns
 * the update status the service had before, which the convergence wait must not mistake for this one's.
 */
async function updateWithRetry(
  docker: Dockerode,
  id: string,
  spec: ProviderServiceSpec,
  auth?: RegistryAuth,
): Promise<{ staleUpdateStatus?: string }> {
  for (let attempt = 1; ; attempt++) {
    const current = (await docker.getService(id).inspect()) as {
      Version: { Index: number };
      UpdateStatus?: object;
    };
    try {
      await docker
        .getService(id)
        .update(auth as never, { _query: { version: current.Version.Index }, _body: spec } as never);
      return { staleUpdateStatus: current.UpdateStatus && JSON.stringify(current.UpdateStatus) };
    } catch (err) {
      if (!isOutOfSequence(err) || attempt > maxVersionRetries) throw err;
    }
  }
}

/** Arguments of {@link SwarmService}. */
export interface SwarmServiceArgs {
  /** The rendered Engine API spec (see `renderSwarm`), without secret variables. */
  spec: pulumi.Input<ProviderServiceSpec>;
  /** Secret variables. Default: none. */
  secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Credentials for a private image. Default: none. */
  registryAuth?: pulumi.Input<RegistryAuth>;
  /**
   * How long create and update wait for convergence (see {@link SwarmService}); a failing spec ends the
   * wait sooner. Default: 300.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Whether create and update wait for the service to converge. False: they return once the engine
   * accepted the spec (state records its ID and version as usual), and a `SwarmStackConvergence`
   * given this service waits for it, together with the others of the stack, so that a deployment's
   * workers are not each held by one service's wait. Changing only this setting neither replaces nor
   * updates the service.
   * @default true
   */
  awaitConvergence?: pulumi.Input<boolean>;
  /**
   * How to reach a manager of the service's swarm. Default: the local engine. Changing it (new
   * credentials, another manager of the same swarm) updates in place; a connection that reaches a
   * different swarm than the one recorded in `swarmId` is refused.
   */
  connection?: pulumi.Input<EngineConnections>;
  /**
   * The Berth component that owns the service, for its labels. Default: the resource name. The
   * service is also labelled with this resource's URN; a rename with an alias relabels it in place.
   */
  component?: string;
}

/**
 * A Swarm service. Create and update return once every task of the new spec has run without a failure
 * for the update policy's `monitor` (default 5 s), or a job's current run completed; a spec whose
 * tasks keep failing fails early with their errors, and an update that Swarm pauses or rolls back is
 * reported as a failure (with `awaitConvergence: false`, a `SwarmStackConvergence` waits instead).
 * Only a change of the
 * service's name or mode kind replaces it. Refresh reports changes made on the engine to any field of
 * the spec; `pulumi import <type> <name> <service ID>` rebuilds the state of a service labelled by
 * Berth from the local engine.
 */
export class SwarmService extends pulumi.dynamic.Resource {
  /** The service's spec as the engine holds it. */
  declare readonly spec: pulumi.Output<ProviderServiceSpec>;
  /** The engine's version index of the service. */
  declare readonly version: pulumi.Output<number>;
  /** The ID of the swarm the service belongs to (`docker info` Swarm.Cluster.ID). */
  declare readonly swarmId: pulumi.Output<string>;
  /** How long create and update wait for convergence, in seconds (read by `SwarmStackConvergence`). */
  declare readonly timeoutSeconds: pulumi.Output<number>;
  /** What the last create or update did, for a wait that runs later (see `SwarmStackConvergence`). */
  declare readonly lastChange: pulumi.Output<ServiceChange | undefined>;

  constructor(name: string, args: SwarmServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("swarm:service", serviceProvider),
      name,
      {
        // A connection may carry a key: it is secret in state whether or not the caller wrapped it.
        connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
        owner: currentOwner(args.component ?? name, { name, type: "SwarmService", opts }),
        spec: args.spec,
        secretEnv: pulumi.secret(args.secretEnv ?? {}),
        registryAuth: args.registryAuth === undefined ? undefined : pulumi.secret(args.registryAuth),
        timeoutSeconds: args.timeoutSeconds ?? 300,
        awaitConvergence: args.awaitConvergence ?? true,
        version: undefined,
        swarmId: undefined,
        lastChange: undefined,
      },
      withSecretOutputs(opts, ["connection", "secretEnv", "registryAuth"]),
      "berth/swarm",
      "SwarmService",
    );
  }
}
