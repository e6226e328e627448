/**
 * Runs a Pulumi program under mocks while executing every dynamic resource for real, through the
 * provider text Pulumi serialized into `inputs.__provider` (the same text the engine stores in state
 * and the dynamic-provider host later loads). Other custom resources echo their inputs, as a mock does.
 */
import * as pulumi from "@pulumi/pulumi";
import Module from "module";
import path from "path";

const providerKey = "__provider";
const projectRoot = path.resolve(__dirname, "..", "..", "..");

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent: the stack's URN for top-level resources. */
  parent: string;
  custom: boolean;
  /** True for `pulumi.dynamic.Resource`s, which ran for real. */
  dynamic: boolean;
  id?: string;
  /** Inputs as the engine passes them to a provider (secrets unwrapped), without `__provider`. */
  inputs: Record<string, unknown>;
  /** Input paths that were Pulumi secrets. */
  secretInputs: string[];
  /** What the provider returned (dynamic) or the echoed inputs (other custom resources). */
  outputs: Record<string, unknown>;
  /** The serialized provider text, for dynamic resources. */
  providerText?: string;
  /** What the run did with a dynamic resource, given the previous run's state. */
  operation?: "create" | "update" | "replace" | "same";
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** The program's returned stack outputs, resolved (secrets unwrapped). */
  outputs: Record<string, unknown>;
  /** The resource named `name` (of `type`, when several share the name). */
  byName(name: string, type?: string): RecordedResource;
  /** Deletes every dynamic resource in reverse creation order through its serialized provider. */
  destroy(): Promise<void>;
  /** Dynamic resources of the previous run that this run deleted (removed or replaced), in that order. */
  deleted: RecordedResource[];
}

export interface RunOptions {
  project?: string;
  stack?: string;
  /** Stack config without the project prefix, as `pulumi config set` would hold it. */
  config?: Record<string, string>;
  preview?: boolean;
  /**
   * Component tests: instead of creating a dynamic resource, answer with its checked inputs plus these
   * outputs (its real `check` still runs). Default: every dynamic resource runs for real.
   */
  mockDynamic?: (resource: {
    name: string;
    type: string;
    inputs: Record<string, unknown>;
  }) => Record<string, unknown>;
  /**
   * Outputs a cloud provider would compute for a resource that is not dynamic (an instance's address,
   * say), added to its echoed inputs. Default: inputs only.
   */
  mockResource?: (resource: {
    name: string;
    type: string;
    inputs: Record<string, unknown>;
  }) => Record<string, unknown>;
  /** Config keys (without the project prefix) whose values are secrets. */
  secretConfig?: string[];
  /**
   * The state of an earlier run of the program: its dynamic resources are diffed against the new
   * inputs and updated, replaced or kept, and those the program no longer declares are deleted after
   * it has run, as the engine does on a second `pulumi up`.
   */
  previous?: ProgramRun;
}

type DynamicProvider = pulumi.dynamic.ResourceProvider;
const loadedProviders = new Map<string, DynamicProvider>();

/** Compiles serialized provider text as a CommonJS module, as Pulumi's dynamic-provider host does. */
export function loadSerializedProvider(text: string): DynamicProvider {
  const cached = loadedProviders.get(text);
  if (cached) return cached;
  const filename = path.join(projectRoot, "__pulumi_serialized_provider__.js");
  const mod = new Module(filename) as Module & { _compile(code: string, file: string): void };
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    projectRoot,
  );
  mod._compile(text, filename);
  const provider = (mod.exports as { handler(): DynamicProvider }).handler();
  loadedProviders.set(text, provider);
  return provider;
}

function unwrapSecrets(value: unknown, at: string, secrets: string[]): unknown {
  if (pulumi.runtime.isRpcSecret(value)) {
    secrets.push(at);
    return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value), at, secrets);
  }
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${at}[${i}]`, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, secrets)]),
    );
  }
  return value;
}

interface MonitorRequest {
  getParent(): string;
  getType(): string;
  getName(): string;
}
type Callback = (err: unknown, response?: { getUrn(): string }) => void;

/** Runs `program` (its return value becomes the stack outputs) and returns what it created. */
export async function runProgram(
  program: () => unknown | Promise<unknown>,
  options: RunOptions = {},
): Promise<ProgramRun> {
  const project = options.project ?? "berth-test";
  const stack = options.stack ?? "test";
  const qualify = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
  const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [qualify(k), v]));
  const secretKeys = (options.secretConfig ?? []).map(qualify);
  process.env.PULUMI_CONFIG = JSON.stringify(config);
  process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(secretKeys);
  // The runtime keeps the config it first read; a later run in this process must replace it.
  pulumi.runtime.setAllConfig(config, secretKeys);
  const resources: RecordedResource[] = [];
  // Pulumi reports failed registrations and serialization errors as rejected promises nobody awaits;
  // the real language host fails the update on them, and so does the harness.
  const failures: unknown[] = [];
  const onUnhandled = (reason: unknown) => failures.push(reason);
  // While the program runs the harness plays the language host, which owns these rejections; the
  // test runner's own listener would otherwise blame them on whichever test happens to be running.
  const runnerListeners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onUnhandled);
  const parents = new Map<string, string>();
  const claimed = new Set<RecordedResource>();
  const replaced: RecordedResource[] = [];
  const deleted: RecordedResource[] = [];
  const pendingParent: { type: string; name: string; parent: string }[] = [];

  await pulumi.runtime.setMocks(
    {
      call: (args) => {
        throw new Error(`harness: no mock for function ${args.token}`);
      },
      newResource: async (args) => {
        const secretInputs: string[] = [];
        const { [providerKey]: providerText, ...rawInputs } = args.inputs as Record<string, unknown>;
        const inputs = unwrapSecrets(rawInputs, "", secretInputs) as Record<string, unknown>;
        const dynamic = typeof providerText === "string";
        const record: RecordedResource = {
          type: args.type,
          name: args.name,
          urn: "",
          parent: "",
          custom: args.custom ?? false,
          dynamic,
          inputs,
          secretInputs,
          outputs: {},
          ...(dynamic && { providerText: providerText as string }),
        };
        const pending = pendingParent.findIndex((p) => p.type === args.type && p.name === args.name);
        if (pending >= 0) record.parent = pendingParent.splice(pending, 1)[0].parent;
        resources.push(record);
        if (!record.custom) return { id: undefined, state: {} };
        if (!dynamic) {
          record.id = `${args.name}-id`;
          const computed = options.mockResource?.({ name: args.name, type: args.type, inputs }) ?? {};
          record.outputs = { ...inputs, ...computed };
          return { id: record.id, state: { ...args.inputs, ...computed } };
        }
        try {
          return await runDynamic(args.type, args.name, providerText as string, inputs, record);
        } catch (err) {
          failures.push(err);
          throw err;
        }
      },
    },
    project,
    stack,
    options.preview ?? false,
  );

  async function runDynamic(
    type: string,
    name: string,
    providerText: string,
    inputs: Record<string, unknown>,
    record: RecordedResource,
  ) {
    const provider = loadSerializedProvider(providerText);
    const prior = options.previous?.resources.find(
      (r) => r.dynamic && r.type === type && r.name === name && r.id !== undefined,
    );
    if (prior) claimed.add(prior);
    let checked = inputs;
    if (provider.check) {
      const result = await provider.check(prior?.inputs ?? {}, inputs);
      if (result.failures && result.failures.length > 0) {
        const reasons = result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
        throw new Error(`${type} ${name}: check failed: ${reasons}`);
      }
      checked = result.inputs ?? inputs;
    }
    record.inputs = checked;
    if (options.preview) return { id: undefined, state: checked };
    if (options.mockDynamic) {
      Object.assign(record, {
        id: `${name}-id`,
        outputs: { ...checked, ...options.mockDynamic({ name, type, inputs: checked }) },
        operation: "create",
      });
      return { id: record.id, state: record.outputs };
    }
    await (prior ? change(provider, prior, checked, record) : create(provider, checked, record));
    return { id: record.id, state: { ...record.outputs, [providerKey]: providerText } };
  }

  async function create(
    provider: DynamicProvider,
    inputs: Record<string, unknown>,
    record: RecordedResource,
  ) {
    const created = await provider.create(inputs);
    record.id = created.id;
    record.outputs = created.outs ?? {};
    record.operation ??= "create";
  }

  /** Brings an existing resource to `inputs` the way the engine would: keep, update or replace. */
  async function change(
    provider: DynamicProvider,
    prior: RecordedResource,
    inputs: Record<string, unknown>,
    record: RecordedResource,
  ) {
    const id = prior.id as string;
    const diff = provider.diff ? await provider.diff(id, prior.outputs, inputs) : { changes: true };
    if (diff.changes === false) {
      Object.assign(record, { id, outputs: prior.outputs, operation: "same" });
    } else if (diff.replaces && diff.replaces.length > 0) {
      record.operation = "replace";
      if (diff.deleteBeforeReplace) {
        await provider.delete?.(id, prior.outputs);
        deleted.push(prior);
      } else {
        replaced.push(prior);
      }
      await create(provider, inputs, record);
    } else {
      if (!provider.update) throw new Error(`harness: ${prior.type} ${prior.name} changed but has no update`);
      const updated = await provider.update(id, prior.outputs, inputs);
      Object.assign(record, { id, outputs: updated.outs ?? inputs, operation: "update" });
    }
  }

  /** After the program: what it no longer declares goes in reverse order, then what it replaced. */
  async function deleteLeftovers() {
    const gone = (options.previous?.resources ?? []).filter((r) => r.dynamic && r.id && !claimed.has(r));
    for (const r of [...gone.reverse(), ...replaced]) {
      await loadSerializedProvider(r.providerText as string).delete?.(r.id as string, r.outputs);
      deleted.push(r);
    }
  }

  // The mock API hides each resource's parent; read it from the registration request itself.
  const monitor = (pulumi.runtime as unknown as { getMonitor(): Record<string, unknown> }).getMonitor();
  const register = (monitor.registerResource as (req: MonitorRequest, cb: Callback) => Promise<void>).bind(
    monitor,
  );
  monitor.registerResource = (req: MonitorRequest, callback: Callback) => {
    pendingParent.push({ type: req.getType(), name: req.getName(), parent: req.getParent() });
    return register(req, (err, response) => {
      if (response) parents.set(`${req.getType()}::${req.getName()}`, response.getUrn());
      callback(err, response);
    });
  };

  let stackOutputs: Record<string, unknown> | undefined;
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  try {
    stackOutputs = await pulumi.runtime.runInPulumiStack(async () => program());
  } catch (err) {
    failures.unshift(err);
  }
  try {
    // Even after a failure: registrations still in flight belong to this run, not to the next one.
    await settings.waitForRPCs();
    // Let rejections from the last registrations reach the listener before it is removed.
    await new Promise((resolve) => setImmediate(resolve));
    if (failures.length === 0 && !options.preview) await deleteLeftovers();
  } catch (err) {
    failures.push(err);
  } finally {
    process.off("unhandledRejection", onUnhandled);
    for (const listener of runnerListeners) process.on("unhandledRejection", listener);
  }
  if (failures.length > 0) {
    const messages = [...new Set(failures.map((f) => (f instanceof Error ? f.message : String(f))))];
    // The resources registered before the failure travel with it, for tests of what a failure spares.
    throw Object.assign(new Error(`program failed:\n${messages.join("\n")}`, { cause: failures[0] }), {
      resources,
    });
  }
  for (const r of resources) r.urn = parents.get(`${r.type}::${r.name}`) ?? "";

  const outputs = unwrapSecrets(stackOutputs ?? {}, "", []) as Record<string, unknown>;
  return {
    resources,
    outputs,
    deleted,
    byName(name: string, type?: string) {
      const found = resources.find((r) => r.name === name && (type === undefined || r.type === type));
      if (!found)
        throw new Error(
          `harness: no resource named ${name} (have ${resources.map((r) => r.name).join(", ")})`,
        );
      return found;
    },
    async destroy() {
      for (const r of [...resources].reverse()) {
        if (!r.dynamic || r.id === undefined || !r.providerText) continue;
        const provider = loadSerializedProvider(r.providerText);
        await provider.delete?.(r.id, r.outputs);
      }
    },
  };
}
