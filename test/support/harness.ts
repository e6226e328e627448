/**
 * Runs Pulumi programs the way the engine does, without the Pulumi CLI: the program's SDK talks gRPC
 * to a test resource monitor (test/support/engine), every dynamic resource is driven through Pulumi's
 * own dynamic-provider host against the real backends, previews send unknowns as the engine does, and
 * state is kept as the engine keeps it. See test/README.md for what this models and what it does not.
 */
import assert from "node:assert/strict";
import { spawn } from "child_process";
import { setTimeout as sleep } from "timers/promises";
import Module from "module";
import path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Deployment, destroyState, refreshState, type LogRecord, withoutProvider } from "./engine/deployment";
import { providerKey, type StackState, type StateEntry } from "./engine/state";
import type { Props } from "./engine/wire";

export { unknownValue } from "./engine/wire";

const projectRoot = path.resolve(__dirname, "..", "..", "..");

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent: the stack's URN for top-level resources. */
  parent: string;
  custom: boolean;
  /** True for `pulumi.dynamic.Resource`s, which ran through the dynamic-provider host. */
  dynamic: boolean;
  id?: string;
  /** Checked inputs as the engine stored them (secrets unwrapped), without `__provider`. */
  inputs: Record<string, unknown>;
  /** The inputs the program registered, before `check` (unknowns as the engine's sentinel). */
  programInputs: Record<string, unknown>;
  /** Input paths that were Pulumi secrets. */
  secretInputs: string[];
  /** Top-level outputs the engine keeps secret. */
  secretOutputs: string[];
  /** Outputs as the engine stored them; in a preview, what the engine shows (unknowns as the sentinel). */
  outputs: Record<string, unknown>;
  /** The serialized provider text stored with a dynamic resource. */
  providerText?: string;
  /** What the run did with a custom resource, given the previous state. */
  operation?: "create" | "update" | "replace" | "same" | "import";
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** The program's stack outputs (secrets unwrapped; in a preview, unknowns as the sentinel). */
  outputs: Record<string, unknown>;
  /** The resource named `name` (of `type`, when several share the name). */
  byName(name: string, type?: string): RecordedResource;
  /** `pulumi destroy` of the state this run left, through the providers stored in it. */
  destroy(): Promise<void>;
  /** `pulumi refresh` of the state this run left: the refreshed state, to pass as `previous`. */
  refresh(): Promise<ProgramRun>;
  /** Resources of the previous state that this run deleted (removed or replaced), in that order. */
  deleted: RecordedResource[];
  /** The stack's state after the run, as the engine keeps it. */
  state: StackState;
  /** What the program and the providers logged through the engine. */
  logs: LogRecord[];
}

/** A resource as the mock callbacks of `RunOptions` receive it. */
export type MockedResource = { name: string; type: string; inputs: Record<string, unknown> };

export interface RunOptions {
  project?: string;
  stack?: string;
  /** Stack config without the project prefix, as `pulumi config set` would hold it. */
  config?: Record<string, string>;
  /** Config keys (without the project prefix) whose values are secrets. */
  secretConfig?: string[];
  /** `pulumi preview`: nothing is created, changed or deleted. */
  preview?: boolean;
  /**
   * The state of an earlier run (its `ProgramRun`, or a refreshed one): resources are diffed against it,
   * updated, replaced or kept, and those the program no longer declares are deleted, as `pulumi up` does.
   */
  previous?: ProgramRun;
  /**
   * Component tests: instead of creating or updating a dynamic resource, answer with its checked inputs
   * plus these outputs (its real `check` and `diff` still run through the host); undefined lets the
   * host create or update it for real.
   */
  mockDynamic?: (resource: MockedResource) => Props | undefined;
  /** Outputs a cloud provider would compute for a custom resource that is not dynamic (not in previews). */
  mockResource?: (resource: MockedResource) => Props;
  /** What a provider function (`aws.getAvailabilityZones`, ...) returns; undefined fails the call. */
  mockInvoke?: (call: { token: string; args: Props }) => Props | undefined;
}

type ProgramError = Error & { resources?: RecordedResource[]; run?: ProgramRun };

/** Runs `program` in this process, as an inline program (its return value becomes the stack outputs). */
export async function runProgram(
  program: () => unknown | Promise<unknown>,
  options: RunOptions = {},
): Promise<ProgramRun> {
  return deploy(projectRoot, options, async (deployment, { project, stack, config, secretKeys }) => {
    const settings = require("@pulumi/pulumi/runtime/settings") as {
      resetOptions(...args: unknown[]): void;
      disconnect(signal?: boolean): Promise<void>;
      disconnectSync(): void;
    };
    process.env.PULUMI_CONFIG = JSON.stringify(config);
    process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(secretKeys);
    settings.resetOptions(
      project,
      stack,
      16,
      deployment.engineAddress,
      deployment.monitorAddress,
      options.preview ?? false,
      "organization",
    );
    pulumi.runtime.setAllConfig(config, secretKeys);
    const failures: unknown[] = [];
    // Failed registrations surface as rejections nobody awaits; the language host fails the run on them.
    const runnerListeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const onUnhandled = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onUnhandled);
    // After a failed step the engine cancels the run: registrations that wait on the failed resource
    // would never end, and the CLI ends the program instead of waiting for them.
    const cancelled = deployment.failedAndIdle().then(() => "cancelled" as const);
    const drain = async () => {
      const drained = await Promise.race([settings.disconnect().then(() => "drained" as const), cancelled]);
      if (drained === "drained") return;
      // Let the SDK take in the answers already sent, then end what is left, still owning its errors.
      await sleep(300);
      settings.disconnectSync();
      // The CLI would end this process now; the registrations left waiting are not this run's leaks.
      (require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<unknown> } })
        .getStore()
        .leakCandidates.clear();
      await sleep(300);
    };
    try {
      await Promise.race([pulumi.runtime.runInPulumiStack(async () => program()), cancelled]);
    } catch (err) {
      failures.unshift(err);
    } finally {
      await drain().catch((err: unknown) => failures.push(err));
      await new Promise((resolve) => setImmediate(resolve));
      process.off("unhandledRejection", onUnhandled);
      for (const listener of runnerListeners) process.on("unhandledRejection", listener);
    }
    return failures;
  });
}

/**
 * Runs the Pulumi project in `dir` as the Node.js language host does: `@pulumi/pulumi/cmd/run` of the
 * project's own SDK (ts-node for TypeScript), in its own process, against the test engine.
 */
export async function runProject(
  dir: string,
  options: RunOptions & { main?: string } = {},
): Promise<ProgramRun> {
  return deploy(dir, options, async (deployment, { project, stack, config, secretKeys }) => {
    const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    const args = [
      path.join(sdkDir, "cmd", "run"),
      `--monitor=${deployment.monitorAddress}`,
      `--engine=${deployment.engineAddress}`,
      `--project=${project}`,
      `--stack=${stack}`,
      `--pwd=${dir}`,
      `--organization=organization`,
      ...(options.preview ? ["--dry-run"] : []),
      options.main ?? ".",
    ];
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
        PULUMI_NODEJS_TYPESCRIPT: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // The CLI ends the language host when the engine cancels a failed run.
    void deployment.failedAndIdle().then(() => setTimeout(() => child.kill(), 2000).unref());
    const code = await exited;
    const errors = deployment.logs.filter((l) => l.severity === "error").map((l) => l.message);
    return code === 0 ? [] : [new Error(`program exited with ${code}:\n${[...errors, output].join("\n")}`)];
  });
}

interface ProgramContext {
  project: string;
  stack: string;
  config: Record<string, string>;
  secretKeys: string[];
}

async function deploy(
  projectDir: string,
  options: RunOptions,
  runIt: (deployment: Deployment, context: ProgramContext) => Promise<unknown[]>,
): Promise<ProgramRun> {
  const project = options.project ?? "berth-test";
  const stack = options.stack ?? "test";
  const qualify = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
  const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [qualify(k), v]));
  const secretKeys = (options.secretConfig ?? []).map(qualify);
  const prior = options.previous?.state ?? [];
  const deployment = new Deployment({
    projectDir,
    project,
    stack,
    preview: options.preview ?? false,
    prior,
    mockDynamic: options.mockDynamic,
    mockResource: options.mockResource,
    mockInvoke: options.mockInvoke,
  });
  await deployment.start();
  let failures: unknown[] = [];
  try {
    failures = await runIt(deployment, { project, stack, config, secretKeys });
    failures.push(...deployment.failures);
    if (failures.length === 0 && !options.preview) await deployment.deleteLeftovers();
  } catch (err) {
    failures.push(err);
  } finally {
    await deployment.stop();
  }
  const resources = deployment.steps.map((s) => recorded(s.entry, s.programInputs, s.operation));
  const state = options.preview ? prior : stateAfter(prior, deployment);
  const run = programRun(projectDir, resources, state, deployment);
  if (failures.length > 0) {
    const messages = [...new Set(failures.map((f) => (f instanceof Error ? f.message : String(f))))];
    const error: ProgramError = new Error(`program failed:\n${messages.join("\n")}`, { cause: failures[0] });
    // What was registered and the state left behind travel with the failure, as the engine keeps them.
    throw Object.assign(error, { resources, run });
  }
  return run;
}

/** The state the engine keeps after a run: the new resources, and the old ones it did not get to. */
function stateAfter(prior: StackState, deployment: Deployment): StackState {
  const deleted = new Set(deployment.deleted);
  const current = new Set(deployment.state.map((r) => r.urn));
  const kept = prior.filter((r) => !deleted.has(r) && !current.has(r.urn));
  return [...kept, ...deployment.state];
}

function recorded(entry: StateEntry, programInputs: Props, operation?: RecordedResource["operation"]) {
  const providerText = entry.inputs[providerKey];
  return {
    type: entry.type,
    name: entry.name,
    urn: entry.urn,
    parent: entry.parent,
    custom: entry.custom,
    dynamic: entry.dynamic,
    id: entry.id,
    inputs: withoutProvider(entry.inputs),
    programInputs: withoutProvider(programInputs),
    secretInputs: entry.secretInputs,
    secretOutputs: entry.secretOutputs,
    outputs: withoutProvider(entry.outputs),
    ...(typeof providerText === "string" && { providerText }),
    ...(operation && { operation }),
  } satisfies RecordedResource;
}

function programRun(
  projectDir: string,
  resources: RecordedResource[],
  state: StackState,
  deployment: Deployment,
): ProgramRun {
  return {
    resources,
    outputs: deployment.stackOutputs,
    deleted: deployment.deleted.map((e) => recorded(e, e.inputs)),
    state,
    logs: deployment.logs,
    byName(name: string, type?: string) {
      const found = resources.find((r) => r.name === name && (type === undefined || r.type === type));
      if (!found)
        throw new Error(
          `harness: no resource named ${name} (have ${resources.map((r) => r.name).join(", ")})`,
        );
      return found;
    },
    async destroy() {
      await destroyState(projectDir, state);
    },
    async refresh() {
      const refreshed = await refreshState(projectDir, state);
      const byUrn = new Map(refreshed.map((e) => [e.urn, e]));
      const refreshedResources = resources
        .filter((r) => !r.custom || byUrn.has(r.urn))
        .map((r) => (byUrn.has(r.urn) ? recorded(byUrn.get(r.urn)!, r.programInputs) : r));
      return programRun(projectDir, refreshedResources, refreshed, deployment);
    },
  };
}

type DynamicProvider = pulumi.dynamic.ResourceProvider;

/**
 * Compiles serialized provider text in this process, as the host does (for tests that inspect a
 * provider's code directly; runs go through the host itself).
 */
export function loadSerializedProvider(text: string): DynamicProvider {
  const filename = path.join(projectRoot, "__pulumi_serialized_provider__.js");
  const mod = new Module(filename) as Module & { _compile(code: string, file: string): void };
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    projectRoot,
  );
  mod._compile(text, filename);
  return (mod.exports as { handler(): DynamicProvider }).handler();
}

/** The error a run that must fail threw, carrying the state the run left; fails the test if it succeeded. */
export async function failedRun(promise: Promise<ProgramRun>): Promise<Error & { run: ProgramRun }> {
  try {
    await promise;
  } catch (err) {
    const failed = err as Error & { run?: ProgramRun };
    assert.ok(failed.run, `the failure carries the run: ${failed.message}`);
    return failed as Error & { run: ProgramRun };
  }
  assert.fail("the run was expected to fail");
}
