/**
 * Pulumi's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started the way the engine
 * starts the `pulumi-resource-pulumi-nodejs` plugin: `node <project>/node_modules/@pulumi/pulumi/cmd/
 * dynamic-provider <engine address>` in the project's directory, which prints the port of its gRPC
 * ResourceProvider server. Calls go over that protocol, with the generated messages of the same SDK.
 */
import { spawn, type ChildProcess } from "child_process";
import path from "path";
import fs from "fs";
import { detailsFileKey } from "./host-large-details";
import type { Props } from "./wire";

/** Status details too large for Node's HTTP/2, which the host wrote to a file (host-large-details.ts). */
function detailsFromFile(err: { metadata?: { get?(key: string): unknown[] } }): Buffer | undefined {
  const file = err.metadata?.get?.(detailsFileKey)?.[0];
  if (typeof file !== "string") return undefined;
  const details = fs.readFileSync(file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return details;
}

/** The SDK (`@pulumi/pulumi`) a project resolves, and its gRPC library and generated messages. */
export function sdkOf(projectDir: string) {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] }));
  const from = (id: string) => require(require.resolve(id, { paths: [sdkDir] }));
  return {
    sdkDir,
    grpc: from("@grpc/grpc-js"),
    struct: from("google-protobuf/google/protobuf/struct_pb.js"),
    empty: from("google-protobuf/google/protobuf/empty_pb.js"),
    provider: from(path.join(sdkDir, "proto", "provider_pb.js")),
    providerRpc: from(path.join(sdkDir, "proto", "provider_grpc_pb.js")),
    resource: from(path.join(sdkDir, "proto", "resource_pb.js")),
    resourceRpc: from(path.join(sdkDir, "proto", "resource_grpc_pb.js")),
    engine: from(path.join(sdkDir, "proto", "engine_pb.js")),
    engineRpc: from(path.join(sdkDir, "proto", "engine_grpc_pb.js")),
    status: from(path.join(sdkDir, "proto", "status_pb.js")),
  };
}
export type Sdk = ReturnType<typeof sdkOf>;

/** A create or update that failed after the object existed: the state the host reports. */
export class InitFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
  ) {
    super(message);
  }
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export class ProviderHost {
  private constructor(
    private readonly sdk: Sdk,
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly output: string[],
  ) {}

  static async start(projectDir: string, engineAddress: string, config: Props): Promise<ProviderHost> {
    const sdk = sdkOf(projectDir);
    const preload = require.resolve("./host-large-details");
    const child = spawn(
      process.execPath,
      ["--require", preload, path.join(sdk.sdkDir, "cmd", "dynamic-provider"), engineAddress],
      {
        cwd: projectDir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, BERTH_TEST_ENGINE_HOST: "1" },
      },
    );
    const output: string[] = [];
    let started = false;
    // After its port, what the host prints is what providers logged (pulumi.log without an engine
    // connection prints "info: [runtime] ..."); the CLI shows plugin output as diagnostics, so do we.
    const show = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      output.push(chunk.toString());
      if (started) stream.write(chunk);
    };
    const port = await new Promise<string>((resolve, reject) => {
      let buffered = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        if (!started) {
          buffered += chunk.toString();
          const [first, ...rest] = buffered.split("\n");
          if (buffered.includes("\n") && /^\d+$/.test(first.trim())) {
            started = true;
            resolve(first.trim());
            if (rest.join("\n")) process.stdout.write(rest.join("\n"));
          }
          output.push(chunk.toString());
          return;
        }
        show(chunk, process.stdout);
      });
      child.stderr!.on("data", (chunk: Buffer) => show(chunk, process.stderr));
      child.on("exit", (code) => reject(new Error(`provider host exited (${code}): ${output.join("")}`)));
    });
    const client = new sdk.providerRpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      sdk.grpc.credentials.createInsecure(),
    );
    const host = new ProviderHost(sdk, child, client, output);
    const req = new sdk.provider.ConfigureRequest();
    req.setArgs(sdk.struct.Struct.fromJavaScript(config));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const configured = await host.call("configure", req);
    // The engine keeps secrets from a provider that does not accept them.
    if (configured.getAcceptsecrets()) throw new Error("the dynamic-provider host now accepts secrets");
    return host;
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }

  private call(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: any, resp: any) => (err ? reject(this.failure(err)) : resolve(resp)));
    });
  }

  /** A gRPC error, or the partial state an ErrorResourceInitFailed detail carries. */
  private failure(err: any): Error {
    const details = err.metadata?.get?.("grpc-status-details-bin")?.[0] ?? detailsFromFile(err);
    if (details) {
      const status = this.sdk.status.Status.deserializeBinary(details);
      for (const any of status.getDetailsList()) {
        if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
        const init = this.sdk.provider.ErrorResourceInitFailed.deserializeBinary(any.getValue());
        return new InitFailedError(
          err.details ?? err.message,
          init.getId(),
          init.getProperties()?.toJavaScript() ?? {},
        );
      }
    }
    return new Error(err.details ?? err.message);
  }

  private struct(value: Props) {
    return this.sdk.struct.Struct.fromJavaScript(value);
  }

  async check(urn: string, olds: Props, news: Props) {
    const req = new this.sdk.provider.CheckRequest();
    req.setUrn(urn);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    const resp = await this.call("check", req);
    return {
      inputs: (resp.getInputs()?.toJavaScript() ?? {}) as Props,
      failures: resp
        .getFailuresList()
        .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<DiffResult> {
    const req = new this.sdk.provider.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    req.setOldInputs(this.struct(oldInputs));
    const resp = await this.call("diff", req);
    const kinds = this.sdk.provider.DiffResponse.DiffChanges;
    const changes = resp.getChanges();
    return {
      changes: changes === kinds.DIFF_NONE ? "none" : changes === kinds.DIFF_SOME ? "some" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props) {
    const req = new this.sdk.provider.CreateRequest();
    req.setUrn(urn);
    req.setProperties(this.struct(properties));
    const resp = await this.call("create", req);
    return { id: resp.getId() as string, properties: resp.getProperties().toJavaScript() as Props };
  }

  async update(urn: string, id: string, olds: Props, news: Props, oldInputs: Props) {
    const req = new this.sdk.provider.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    req.setOldInputs(this.struct(oldInputs));
    const resp = await this.call("update", req);
    return resp.getProperties().toJavaScript() as Props;
  }

  async read(urn: string, id: string, properties: Props, inputs: Props) {
    const req = new this.sdk.provider.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(this.struct(properties));
    req.setInputs(this.struct(inputs));
    const resp = await this.call("read", req);
    return {
      id: resp.getId() as string,
      properties: (resp.getProperties()?.toJavaScript() ?? {}) as Props,
      inputs: resp.getInputs()?.toJavaScript() as Props | undefined,
    };
  }

  async delete(urn: string, id: string, properties: Props, oldInputs: Props) {
    const req = new this.sdk.provider.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(this.struct(properties));
    req.setOldInputs(this.struct(oldInputs));
    await this.call("delete", req);
  }
}
