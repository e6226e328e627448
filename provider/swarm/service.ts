import { setTimeout as sleep } from "timers/promises";
import * as pulumi from "@pulumi/pulumi";
import type Dockerode from "dockerode";
import { waitForConvergence } from "./convergence";
import { connectionProblems, type EngineConnection, engineClient } from "./engine";
import { isNotFound, isOutOfSequence, maxVersionRetries } from "./engine-errors";
import { engineLog } from "./log";
import { isOwnedBy, type Owner, ownerLabels, userLabels } from "./ownership";
import { resolveReferences } from "./references";
import type { ProviderServiceSpec } from "./service-spec";
import { currentOwner, withSecretOutputs } from "./resource-options";

/** Credentials for a private image, sent to the engine as `X-Registry-Auth`. */
export interface RegistryAuth {
  serveraddress: string;
  username: string;
  password: string;
}

export interface ServiceInputs {
  connection: EngineConnection;
  owner: Owner;
  /** The rendered spec without secret variables; labels are the user's (ownership labels are added). */
  spec: ProviderServiceSpec;
  /** Variables whose values are secrets, merged into the container's environment on the engine only. */
  secretEnv: Record<string, string>;
  registryAuth?: RegistryAuth;
  /** How long create and update wait for convergence. */
  timeoutSeconds: number;
}

export interface ServiceOutputs extends ServiceInputs {
  /** The engine's spec version after the last change. */
  version: number;
}

function modeOf(spec: ProviderServiceSpec): { mode: "replicated" | "global" | "job"; replicas: number } {
  if ("Global" in spec.Mode) return { mode: "global", replicas: 0 };
  if ("ReplicatedJob" in spec.Mode)
    return { mode: "job", replicas: spec.Mode.ReplicatedJob.TotalCompletions };
  return { mode: "replicated", replicas: spec.Mode.Replicated.Replicas };
}

/** The spec as the engine must receive it: ownership labels, secret variables, resolved references. */
async function engineSpec(docker: Dockerode, inputs: ServiceInputs): Promise<ProviderServiceSpec> {
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

function progressLogger(name: string) {
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
    { timeoutMs: inputs.timeoutSeconds * 1000, progress: progressLogger(inputs.spec.Name) },
  );
  const after = (await docker.getService(id).inspect()) as { Version: { Index: number } };
  return after.Version.Index;
}

function withoutSecrets(inputs: ServiceInputs, version: number): { id?: string; outs: ServiceOutputs } {
  return { outs: { ...inputs, version } };
}

function isZero(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (value && typeof value === "object") return Object.keys(value).length === 0;
  return value === false || value === 0 || value === "";
}

/**
 * Reads the engine's spec back onto the shape Berth wrote, so only Berth's fields are compared. The
 * engine leaves zero values out (`false`, `0`, `[]`), which read back as the zero Berth wrote.
 */
function projectOnto(ours: unknown, theirs: unknown): unknown {
  if (theirs === undefined && isZero(ours)) return ours;
  if (Array.isArray(ours)) {
    return Array.isArray(theirs)
      ? theirs.map((t, i) => projectOnto(ours[Math.min(i, ours.length - 1)], t))
      : theirs;
  }
  if (ours && typeof ours === "object" && theirs && typeof theirs === "object") {
    return Object.fromEntries(
      Object.keys(ours).map((k) => [
        k,
        projectOnto((ours as Record<string, unknown>)[k], (theirs as Record<string, unknown>)[k]),
      ]),
    );
  }
  return theirs;
}

/** The dynamic provider for Swarm services: creates, updates and waits until the service has converged. */
export const serviceProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ServiceInputs, news: ServiceInputs) {
    const failures = connectionProblems(news.connection);
    if (!news.spec || typeof news.spec.Name !== "string" || !news.spec.TaskTemplate?.ContainerSpec?.Image) {
      failures.push({
        property: "spec",
        reason: "must be a Swarm ServiceSpec with Name and TaskTemplate.ContainerSpec.Image",
      });
    }
    if (!(typeof news.timeoutSeconds === "number" && news.timeoutSeconds > 0)) {
      failures.push({ property: "timeoutSeconds", reason: "must be a positive number of seconds" });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: ServiceOutputs, news: ServiceInputs) {
    const replaces: string[] = [];
    if (olds.spec?.Name !== news.spec.Name) replaces.push("spec.Name");
    if (modeOf(olds.spec).mode !== modeOf(news.spec).mode) replaces.push("spec.Mode");
    const sameEngine = JSON.stringify(olds.connection ?? {}) === JSON.stringify(news.connection ?? {});
    if (!sameEngine) replaces.push("connection");
    const changed = (["spec", "secretEnv", "registryAuth", "timeoutSeconds"] as const).some(
      (k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null),
    );
    return {
      changes: changed || replaces.length > 0,
      replaces,
      deleteBeforeReplace: replaces.includes("spec.Name") === false,
    };
  },

  async create(inputs: ServiceInputs) {
    const docker = engineClient(inputs.connection);
    const existing = (
      await docker.listServices({ filters: JSON.stringify({ name: [inputs.spec.Name] }) })
    ).find((s) => s.Spec?.Name === inputs.spec.Name);
    if (existing && !isOwnedBy(existing.Spec?.Labels, inputs.owner)) {
      throw new Error(
        `service ${inputs.spec.Name} already exists and does not belong to stack ${inputs.owner.project}/${inputs.owner.stack}; Berth will not take it over`,
      );
    }
    const spec = await engineSpec(docker, inputs);
    let id: string;
    let update: { staleUpdateStatus?: string } | undefined;
    if (existing?.ID) {
      // Left by an interrupted run of this stack: bring it to the wanted spec.
      id = existing.ID;
      update = await updateWithRetry(docker, id, spec, inputs.registryAuth);
    } else {
      const created = (await docker.createService(
        inputs.registryAuth as never,
        { _query: {}, _body: spec } as never,
      )) as unknown as { ID?: string; id?: string };
      id = created.ID ?? created.id ?? "";
    }
    try {
      const version = await converge(docker, id, inputs, update);
      return { id, ...withoutSecrets(inputs, version) };
    } catch (err) {
      throw Object.assign(
        new Error(`service ${inputs.spec.Name}: ${err instanceof Error ? err.message : String(err)}`),
        {
          // Tell the engine the service exists, so a failed create is not orphaned.
          id,
          properties: { ...inputs, version: 0 },
          reasons: [String(err)],
        },
      );
    }
  },

  async read(id: string, props: ServiceOutputs) {
    const docker = engineClient(props.connection);
    let found: { Spec: ProviderServiceSpec; Version: { Index: number } };
    try {
      found = (await docker.getService(id).inspect()) as typeof found;
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    const secretKeys = new Set(Object.keys(props.secretEnv ?? {}));
    const env = found.Spec.TaskTemplate.ContainerSpec.Env ?? [];
    const secretEnv = Object.fromEntries(
      env
        .filter((e) => secretKeys.has(e.split("=")[0]))
        .map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
    const engine: ProviderServiceSpec = {
      ...found.Spec,
      Labels: userLabels(found.Spec.Labels),
      TaskTemplate: {
        ...found.Spec.TaskTemplate,
        ContainerSpec: {
          ...found.Spec.TaskTemplate.ContainerSpec,
          Env: env.filter((e) => !secretKeys.has(e.split("=")[0])),
        },
        // Networks are kept by name in Berth's spec; the engine returns IDs.
        Networks: props.spec.TaskTemplate.Networks,
      },
    };
    const spec = projectOnto(props.spec, engine) as ProviderServiceSpec;
    return { id, props: { ...props, spec, secretEnv, version: found.Version.Index } };
  },

  async update(id: string, _olds: ServiceOutputs, news: ServiceInputs) {
    const docker = engineClient(news.connection);
    const spec = await engineSpec(docker, news);
    const update = await updateWithRetry(docker, id, spec, news.registryAuth);
    try {
      const version = await converge(docker, id, news, update);
      return withoutSecrets(news, version);
    } catch (err) {
      throw new Error(`service ${news.spec.Name}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  },

  async delete(id: string, props: ServiceOutputs) {
    const docker = engineClient(props.connection);
    try {
      const found = (await docker.getService(id).inspect()) as { Spec: ProviderServiceSpec };
      if (!isOwnedBy(found.Spec.Labels, props.owner)) {
        throw new Error(
          `service ${found.Spec.Name} does not belong to stack ${props.owner.project}/${props.owner.stack}; not deleting it`,
        );
      }
      await docker.getService(id).remove();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    // Networks and secrets the service used can only go once its tasks have.
    const deadline = Date.now() + props.timeoutSeconds * 1000;
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

export interface SwarmServiceArgs {
  /** The rendered Engine API spec (see `renderSwarm`), without secret variables. */
  spec: pulumi.Input<ProviderServiceSpec>;
  /** Secret variables. Default: none. */
  secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Credentials for a private image. Default: none. */
  registryAuth?: pulumi.Input<RegistryAuth>;
  /** How long to wait for convergence. Default: 300. */
  timeoutSeconds?: pulumi.Input<number>;
  /** Default: the local engine. */
  connection?: pulumi.Input<EngineConnection>;
  /** The Berth component that owns the service, for its labels. Default: the resource name. */
  component?: string;
}

/**
 * A Swarm service. Create and update return once every task of the new spec runs (or a job's tasks
 * complete); an update that Swarm pauses or rolls back is reported as a failure.
 */
export class SwarmService extends pulumi.dynamic.Resource {
  declare readonly spec: pulumi.Output<ProviderServiceSpec>;
  declare readonly version: pulumi.Output<number>;

  constructor(name: string, args: SwarmServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      serviceProvider,
      name,
      {
        connection: args.connection ?? {},
        owner: currentOwner(args.component ?? name, { name, type: "SwarmService", opts }),
        spec: args.spec,
        secretEnv: pulumi.secret(args.secretEnv ?? {}),
        registryAuth: args.registryAuth === undefined ? undefined : pulumi.secret(args.registryAuth),
        timeoutSeconds: args.timeoutSeconds ?? 300,
        version: undefined,
      },
      withSecretOutputs(opts, ["connection", "secretEnv", "registryAuth"]),
      "berth/swarm",
      "SwarmService",
    );
  }
}
