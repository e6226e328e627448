/**
 * One `pulumi preview` or `pulumi up` as the engine runs it: a resource monitor (gRPC) that the
 * program's SDK registers resources with, steps computed against the previous state, and every
 * dynamic resource driven through Pulumi's own dynamic-provider host. Other custom resources are
 * answered as a mock provider would (their inputs, plus computed outputs the test supplies).
 */
import { InitFailedError, ProviderHost, sdkOf, type Sdk } from "./provider-host";
import { dynamicTypePrefix, providerKey, type StackState, type StateEntry, urnOf } from "./state";
import { engineParallelism, StepNotStartedError, StepScheduler } from "./scheduling";
import { markSecrets, type Props, sameValue, stripSecrets, topLevel } from "./wire";

export type Operation = "create" | "update" | "replace" | "same" | "import";

export interface StepRecord {
  entry: StateEntry;
  operation?: Operation;
  /** The inputs the program registered (secrets unwrapped, unknowns as the sentinel). */
  programInputs: Props;
}

export interface LogRecord {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

export interface DeploymentOptions {
  projectDir: string;
  project: string;
  stack: string;
  preview: boolean;
  prior: StackState;
  /** Answer for a dynamic resource instead of creating or updating it (its real `check` still runs). */
  /** Answers a dynamic resource's create or update instead of the host; undefined lets the host do it. */
  mockDynamic?: (resource: { name: string; type: string; inputs: Props }) => Props | undefined;
  /** Computed outputs of a non-dynamic custom resource, added to its inputs (not in previews). */
  mockResource?: (resource: { name: string; type: string; inputs: Props }) => Props;
  /** What a provider function (`aws.getAvailabilityZones`, ...) returns; undefined fails the call. */
  mockInvoke?: (call: { token: string; args: Props }) => Props | undefined;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Callback = (err: unknown, resp?: unknown) => void;

const supportedFeatures = new Set(["secrets"]);

export class Deployment {
  readonly steps: StepRecord[] = [];
  readonly logs: LogRecord[] = [];
  readonly failures: Error[] = [];
  /** Resources of the prior state this run deleted (removed from the program or replaced), in order. */
  readonly deleted: StateEntry[] = [];
  /** The new state, in completion order. */
  readonly state: StackState = [];
  stackOutputs: Props = {};
  monitorAddress = "";
  engineAddress = "";
  private readonly sdk: Sdk;
  private server: any;
  private host?: Promise<ProviderHost>;
  private readonly claimed = new Set<string>();
  /** Every URN this run registered. */
  private readonly registered = new Set<string>();
  private readonly replacedLater: StateEntry[] = [];
  private rootUrn = "";
  private readonly scheduler = new StepScheduler(engineParallelism(), () => this.failures.length > 0);
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  /**
   * Resolves once a step has failed and no step is still running: the engine then cancels the
   * deployment and ends the program, whose registrations that wait on the failed resource would
   * otherwise wait forever.
   */
  failedAndIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIdle();
    });
  }

  private notifyIdle() {
    if (this.failures.length === 0 || this.inflight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  constructor(private readonly options: DeploymentOptions) {
    this.sdk = sdkOf(options.projectDir);
  }

  async start(): Promise<void> {
    const { grpc } = this.sdk;
    this.server = new grpc.Server({ "grpc.max_receive_message_length": 1 << 30 });
    this.server.addService(this.sdk.resourceRpc.ResourceMonitorService, this.monitorService());
    this.server.addService(this.sdk.engineRpc.EngineService, this.engineService());
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        "127.0.0.1:0",
        grpc.ServerCredentials.createInsecure(),
        (err: unknown, p: number) => (err ? reject(err) : resolve(p)),
      ),
    );
    this.monitorAddress = this.engineAddress = `127.0.0.1:${port}`;
  }

  /** The provider host, started on first use as the engine loads the plugin. */
  private providerHost(): Promise<ProviderHost> {
    this.host ??= ProviderHost.start(this.options.projectDir, this.engineAddress, {});
    return this.host;
  }

  async stop(): Promise<void> {
    await this.host?.then((host) => host.stop()).catch(() => undefined);
    this.server.forceShutdown();
  }

  /** After the program: what it no longer declares goes, newest first, then what it replaced. */
  async deleteLeftovers(): Promise<void> {
    const gone = this.options.prior.filter((r) => !this.claimed.has(r.urn));
    for (const entry of [...gone.reverse(), ...this.replacedLater]) {
      await this.deleteEntry(entry);
      this.deleted.push(entry);
    }
  }

  private async deleteEntry(entry: StateEntry): Promise<void> {
    if (!entry.custom || entry.id === undefined) return;
    if (entry.dynamic) {
      const host = await this.providerHost();
      await host.delete(entry.urn, entry.id, entry.outputs, entry.inputs);
    }
  }

  private engineService() {
    const severities = ["debug", "info", "warning", "error"] as const;
    return {
      log: (call: any, cb: Callback) => {
        const req = call.request;
        this.logs.push({
          severity: severities[req.getSeverity()] ?? "info",
          message: req.getMessage(),
          urn: req.getUrn(),
        });
        cb(null, new this.sdk.empty.Empty());
      },
      getRootResource: (_call: any, cb: Callback) => {
        const resp = new this.sdk.engine.GetRootResourceResponse();
        resp.setUrn(this.rootUrn);
        cb(null, resp);
      },
      setRootResource: (call: any, cb: Callback) => {
        this.rootUrn = call.request.getUrn();
        cb(null, new this.sdk.engine.SetRootResourceResponse());
      },
    };
  }

  private monitorService() {
    const fail = (cb: Callback, err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      // A step the engine never started is not a failure of its own.
      if (!(error instanceof StepNotStartedError)) this.failures.push(error);
      cb({ code: this.sdk.grpc.status.UNKNOWN, details: error.message });
    };
    return {
      supportsFeature: (call: any, cb: Callback) => {
        const resp = new this.sdk.resource.SupportsFeatureResponse();
        resp.setHassupport(supportedFeatures.has(call.request.getId()));
        cb(null, resp);
      },
      registerResource: (call: any, cb: Callback) => {
        this.inflight++;
        this.registerResource(call.request)
          .then(
            (resp) => cb(null, resp),
            (err) => fail(cb, err),
          )
          .finally(() => {
            this.inflight--;
            this.notifyIdle();
          });
      },
      registerResourceOutputs: (call: any, cb: Callback) => {
        const req = call.request;
        const outputs = stripSecrets(req.getOutputs()?.toJavaScript() ?? {}) as Props;
        const entry = this.state.find((r) => r.urn === req.getUrn());
        if (entry) entry.outputs = outputs;
        if (req.getUrn() === this.rootUrn || entry?.type === "pulumi:pulumi:Stack")
          this.stackOutputs = outputs;
        cb(null, new this.sdk.empty.Empty());
      },
      invoke: (call: any, cb: Callback) => {
        const token: string = call.request.getTok();
        const args = stripSecrets(call.request.getArgs()?.toJavaScript() ?? {}) as Props;
        const answer = this.options.mockInvoke?.({ token, args });
        if (answer === undefined) {
          return fail(
            cb,
            new Error(`test engine: no answer for function ${token} (give the run a mockInvoke)`),
          );
        }
        const resp = new this.sdk.resource.ResourceInvokeResponse();
        resp.setReturn(this.sdk.struct.Struct.fromJavaScript(answer));
        cb(null, resp);
      },
      readResource: (call: any, cb: Callback) =>
        fail(cb, new Error(`test engine: ${call.request.getType()}.get is not modelled`)),
      call: (call: any, cb: Callback) =>
        fail(cb, new Error(`test engine: method ${call.request.getTok()} is not modelled`)),
    };
  }

  private async registerResource(req: any) {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const custom: boolean = req.getCustom();
    const urn = urnOf(this.options.stack, this.options.project, parent, type, name);
    // As the engine: two resources of one URN are a program error, however their parents differ in code.
    if (this.registered.has(urn))
      throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.registered.add(urn);
    const secretInputs: string[] = [];
    const raw = (req.getObject()?.toJavaScript() ?? {}) as Props;
    const inputs = stripSecrets(raw, "", secretInputs) as Props;
    const dynamic = custom && type.startsWith(dynamicTypePrefix);
    const prior =
      this.options.prior.find((r) => r.urn === urn) ??
      this.options.prior.find((r) => (req.getAliasurnsList() as string[]).includes(r.urn));
    if (prior) this.claimed.add(prior.urn);
    const entry: StateEntry = {
      urn,
      type,
      name,
      parent,
      custom,
      dynamic,
      inputs,
      outputs: {},
      secretInputs,
      secretOutputs: [...new Set([...topLevel(secretInputs), ...req.getAdditionalsecretoutputsList()])],
    };
    const step: StepRecord = { entry, programInputs: inputs };
    this.steps.push(step);
    if (!custom) {
      entry.outputs = prior?.outputs ?? {};
      this.state.push(entry);
      return this.response(entry, req);
    }
    if (req.getImportid()) await this.importResource(entry, step, req.getImportid());
    else if (dynamic) await this.dynamicStep(entry, step, prior);
    else this.mockStep(entry, step, prior);
    this.state.push(entry);
    return this.response(entry, req);
  }

  private response(entry: StateEntry, req: any) {
    const resp = new this.sdk.resource.RegisterResourceResponse();
    resp.setUrn(entry.urn);
    // A resource created in a preview has no ID yet: the engine answers "", which the SDK takes as unknown.
    if (entry.custom) resp.setId(entry.id ?? "");
    const outputs = req.getAcceptsecrets() ? markSecrets(entry.outputs, entry.secretOutputs) : entry.outputs;
    resp.setObject(this.sdk.struct.Struct.fromJavaScript(outputs));
    return resp;
  }

  /** A custom resource with no real provider here: its inputs echo back, computed outputs are mocked. */
  private mockStep(entry: StateEntry, step: StepRecord, prior?: StateEntry) {
    if (prior && sameValue(prior.inputs, entry.inputs)) {
      Object.assign(entry, { id: prior.id, outputs: prior.outputs });
      step.operation = "same";
      return;
    }
    step.operation = prior ? "update" : "create";
    if (this.options.preview) {
      entry.outputs = { ...entry.inputs };
      if (prior) entry.id = prior.id;
      return;
    }
    const computed = this.options.mockResource?.({
      name: entry.name,
      type: entry.type,
      inputs: entry.inputs,
    });
    entry.id = prior?.id ?? `${entry.name}-id`;
    entry.outputs = { ...entry.inputs, ...computed };
  }

  /** Check and Diff (in the step generator, one registration at a time), then the step on a worker. */
  private async dynamicStep(entry: StateEntry, step: StepRecord, prior?: StateEntry) {
    const host = await this.providerHost();
    const apply = await this.scheduler.generate(() => this.planDynamic(host, entry, step, prior));
    if (apply) await this.scheduler.execute(`${entry.type} ${entry.name}`, apply);
  }

  /** What the step generator decides for a dynamic resource: the step to run, if any. */
  private async planDynamic(
    host: ProviderHost,
    entry: StateEntry,
    step: StepRecord,
    prior?: StateEntry,
  ): Promise<(() => Promise<void>) | undefined> {
    const checked = await host.check(entry.urn, prior?.inputs ?? {}, entry.inputs);
    if (checked.failures.length > 0) {
      const reasons = checked.failures.map((f: { property: string; reason: string }) =>
        f.property ? `${f.property}: ${f.reason}` : f.reason,
      );
      throw new Error(`${entry.type} ${entry.name}: check failed:\n  ${reasons.join("\n  ")}`);
    }
    entry.inputs = checked.inputs;
    if (!prior || prior.id === undefined) return this.createStep(host, entry, step, "create");

    const diff = await host.diff(entry.urn, prior.id, prior.outputs, entry.inputs, prior.inputs);
    const changed =
      diff.changes === "some" ||
      // As the engine: a provider that cannot tell is answered by comparing every input, the
      // serialized provider included.
      (diff.changes === "unknown" && !sameValue(prior.inputs, entry.inputs));
    if (!changed) {
      Object.assign(entry, { id: prior.id, outputs: prior.outputs });
      step.operation = "same";
      return undefined;
    }
    if (diff.replaces.length > 0) {
      const create = this.createStep(host, entry, step, "replace");
      // In a preview there is no step to run, and nothing is deleted.
      if (!create) return undefined;
      return async () => {
        if (diff.deleteBeforeReplace) {
          await this.deleteEntry(prior);
          this.deleted.push(prior);
        } else {
          this.replacedLater.push(prior);
        }
        await create();
      };
    }
    step.operation = "update";
    const id = prior.id;
    entry.id = id;
    if (this.options.preview) {
      // The host cannot preview an update: the engine shows the new inputs, computed outputs unknown.
      entry.outputs = { ...entry.inputs };
      return undefined;
    }
    return async () => {
      const mockedUpdate = this.options.mockDynamic?.(this.described(entry));
      if (mockedUpdate) {
        entry.outputs = { ...entry.inputs, ...mockedUpdate };
        return;
      }
      try {
        entry.outputs = await host.update(entry.urn, id, prior.outputs, entry.inputs, prior.inputs);
      } catch (err) {
        if (err instanceof InitFailedError) this.keepPartial(entry, err);
        else Object.assign(entry, { outputs: prior.outputs, inputs: prior.inputs });
        this.state.push(entry);
        throw err;
      }
    };
  }

  private createStep(
    host: ProviderHost,
    entry: StateEntry,
    step: StepRecord,
    operation: Operation,
  ): (() => Promise<void>) | undefined {
    step.operation = operation;
    if (this.options.preview) {
      // A resource to be created previews with its checked inputs; what it computes is unknown.
      entry.outputs = { ...entry.inputs };
      return undefined;
    }
    return async () => {
      const mockedCreate = this.options.mockDynamic?.(this.described(entry));
      if (mockedCreate) {
        entry.id = `${entry.name}-id`;
        entry.outputs = { ...entry.inputs, ...mockedCreate };
        return;
      }
      try {
        const created = await host.create(entry.urn, entry.inputs);
        entry.id = created.id;
        entry.outputs = created.properties;
      } catch (err) {
        if (err instanceof InitFailedError) {
          this.keepPartial(entry, err);
          this.state.push(entry);
        }
        throw err;
      }
    };
  }

  /** The engine stores exactly the properties a failed operation reported, as they are. */
  private keepPartial(entry: StateEntry, err: InitFailedError) {
    Object.assign(entry, { id: err.id, outputs: err.properties, partial: true });
  }

  /** `import` resource option: the engine reads the object by ID with no prior state or inputs. */
  private async importResource(entry: StateEntry, step: StepRecord, id: string) {
    step.operation = "import";
    if (!entry.dynamic) {
      Object.assign(entry, { id, outputs: { ...entry.inputs } });
      return;
    }
    const host = await this.providerHost();
    const read = await this.scheduler.execute(`import of ${entry.type} ${entry.name}`, () =>
      host.read(entry.urn, id, {}, {}),
    );
    if (!read.id) throw new Error(`${entry.type} ${entry.name}: resource '${id}' does not exist`);
    Object.assign(entry, { id: read.id, outputs: read.properties });
  }

  private described(entry: StateEntry) {
    return { name: entry.name, type: entry.type, inputs: withoutProvider(entry.inputs) };
  }
}

export function withoutProvider(props: Props): Props {
  const { [providerKey]: _provider, ...rest } = props;
  return rest;
}

/** `pulumi refresh`: each custom resource is read back through its provider; vanished ones leave state. */
export async function refreshState(projectDir: string, state: StackState): Promise<StackState> {
  const host = await ProviderHost.start(projectDir, "127.0.0.1:0", {});
  try {
    const refreshed: StackState = [];
    for (const entry of state) {
      if (!entry.dynamic || entry.id === undefined) {
        refreshed.push(entry);
        continue;
      }
      const read = await host.read(entry.urn, entry.id, entry.outputs, entry.inputs);
      if (!read.id) continue;
      refreshed.push({
        ...entry,
        id: read.id,
        outputs: read.properties,
        inputs: read.inputs ?? entry.inputs,
      });
    }
    return refreshed;
  } finally {
    host.stop();
  }
}

/** `pulumi destroy`: every resource of the state, newest first, through the provider stored with it. */
export async function destroyState(projectDir: string, state: StackState): Promise<StateEntry[]> {
  const host = await ProviderHost.start(projectDir, "127.0.0.1:0", {});
  const deleted: StateEntry[] = [];
  try {
    for (const entry of [...state].reverse()) {
      if (entry.dynamic && entry.id !== undefined) {
        await host.delete(entry.urn, entry.id, entry.outputs, entry.inputs);
      }
      deleted.push(entry);
    }
    return deleted;
  } finally {
    host.stop();
  }
}
