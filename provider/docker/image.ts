import * as pulumi from "@pulumi/pulumi";
// `import = require` keeps the declarations usable by programs compiled without esModuleInterop.
import Dockerode = require("dockerode");
import { type EngineConnection, engineClient } from "../swarm/engine";
import { isNotFound } from "../swarm/engine-errors";
import { sameValue } from "../same-value";
import { engineLog } from "../swarm/log";
import { withSecretOutputs } from "../swarm/resource-options";
import { dynamicProvider } from "../reference";
import { isKnown, isUnknown, unknownValue } from "../unknowns";
import { contextEntries, contextHash, contextTar } from "./build-context";
import { openBuildSession } from "./build-session";
import { followJsonLines } from "./build-stream";
import {
  type BuildSecretSource,
  type ImageInputs,
  type ImageOutputs,
  type ImageRegistryAuth,
  imageInputProblems,
} from "./image-inputs";

export type { BuildSecretSource, ImageInputs, ImageOutputs, ImageRegistryAuth } from "./image-inputs";

/** The inputs whose change means building and pushing again, with the value an absent one stands for. */
const buildInputs = {
  contextHash: "",
  dockerfile: "Dockerfile",
  target: "",
  buildArgs: {},
  secrets: {},
  repository: "",
  tag: "latest",
  registry: null,
  connection: {},
  platform: "",
  cacheFrom: [],
  noCache: false,
} as const;

/**
 * What an engine of `enginePlatform` needs to build for another `platform`, and what to install: the
 * message of a build for another platform that failed, or that made an image of the engine's own.
 */
export function emulationHint(platform: string, enginePlatform: string): string {
  const arch = platform.split("/")[1] ?? platform;
  return `the engine (${enginePlatform}) cannot build for ${platform}: it needs QEMU user emulation for ${arch} on its host to run the Dockerfile's steps (Debian/Ubuntu: apt-get install qemu-user-static binfmt-support; elsewhere: docker run --privileged --rm tonistiigi/binfmt --install ${arch}), and base images that exist for ${platform}; or build on an ${arch} engine (connection)`;
}

/** Reads each build secret from its source, naming the secret that cannot be read. */
function secretValues(what: string, secrets: Record<string, BuildSecretSource>): Record<string, Buffer> {
  const fs = require("fs") as typeof import("fs");
  return Object.fromEntries(
    Object.entries(secrets ?? {}).map(([id, source]) => {
      if (source.env !== undefined) {
        const value = process.env[source.env];
        if (value === undefined)
          throw new Error(`${what}: build secret ${id}: environment variable ${source.env} is not set`);
        return [id, Buffer.from(value)];
      }
      try {
        return [id, fs.readFileSync(source.file ?? "")];
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? String(err);
        throw new Error(`${what}: build secret ${id}: cannot read ${source.file} (${reason})`, {
          cause: err,
        });
      }
    }),
  );
}

/** Builds with BuildKit through the engine API, then tags the result `repository:tag`. Returns the image ID. */
async function build(docker: Dockerode, inputs: ImageInputs, what: string): Promise<string> {
  const secrets = secretValues(what, inputs.secrets);
  const entries = contextEntries(inputs.context, inputs.dockerfile);
  const session = await openBuildSession(docker, secrets, inputs.registry);
  const name = `${inputs.repository}:${inputs.tag}`;
  const cacheFrom = inputs.cacheFrom ?? [];
  const engine = inputs.platform ? ((await docker.version()) as { Os?: string; Arch?: string }) : {};
  const enginePlatform = `${engine.Os ?? "linux"}/${engine.Arch ?? "?"}`;
  const path = require("path") as typeof import("path");
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      docker.modem.dial(
        {
          path: "/build?",
          method: "POST",
          file: contextTar(inputs.context, entries),
          options: {
            t: name,
            dockerfile: inputs.dockerfile.split(path.sep).join("/"),
            ...(inputs.target ? { target: inputs.target } : {}),
            buildargs: JSON.stringify({
              ...(inputs.buildArgs ?? {}),
              // Cache metadata in the pushed image, so that it can serve as the next build's cacheFrom.
              ...(cacheFrom.length > 0 && { BUILDKIT_INLINE_CACHE: "1" }),
            }),
            ...(inputs.platform ? { platform: inputs.platform } : {}),
            ...(cacheFrom.length > 0 ? { cachefrom: JSON.stringify(cacheFrom) } : {}),
            ...(inputs.noCache ? { nocache: true } : {}),
            version: "2",
            session: session.id,
            rm: true,
          },
          isStream: true,
          statusCodes: { 200: true, 400: "bad parameter", 500: "server error" },
        } as never,
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream)),
      ),
    );
    await followJsonLines(stream, (line) => engineLog("info", `${what}: ${line}`));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const foreign = inputs.platform && inputs.platform !== enginePlatform;
    throw new Error(
      `${what}: build failed: ${foreign ? `${emulationHint(inputs.platform, enginePlatform)} (${message})` : message}`,
      { cause: err },
    );
  } finally {
    session.close();
  }
  const built = (await docker.getImage(name).inspect()) as { Id: string; Os?: string; Architecture?: string };
  const made = `${built.Os ?? "?"}/${built.Architecture ?? "?"}`;
  if (inputs.platform && made !== inputs.platform) {
    // An engine without emulation may build from a local base image of its own platform and run the
    // steps natively: an image of the wrong platform must never be pushed under the asked one's name.
    await untag(docker, name, built.Id);
    throw new Error(
      `${what}: build failed: ${emulationHint(inputs.platform, enginePlatform)} (the engine built ${made}, not ${inputs.platform})`,
    );
  }
  return built.Id;
}

/** Pushes `repository:tag` and returns the manifest digest the registry answered with. */
async function push(docker: Dockerode, inputs: ImageInputs, what: string): Promise<string> {
  const target = `${inputs.repository}:${inputs.tag}`;
  let aux: Record<string, unknown>[];
  try {
    const options = { tag: inputs.tag, authconfig: inputs.registry };
    const stream: NodeJS.ReadableStream = await docker.getImage(inputs.repository).push(options);
    aux = await followJsonLines(stream, (line) => engineLog("info", `${what}: push: ${line}`));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const hint = /unauthorized|authentication required|denied/i.test(message)
      ? ` (the registry refused the credentials of user ${inputs.registry?.username ?? "(none)"}: check registry)`
      : "";
    throw new Error(`${what}: push of ${target} failed: ${message}${hint}`, { cause: err });
  }
  const digest = aux.map((a) => a.Digest).find((d): d is string => typeof d === "string");
  if (!digest) throw new Error(`${what}: push of ${target} reported no digest`);
  return digest;
}

/** Removes the local tag `name` when it still names `imageId`; a tag already gone is success. */
async function untag(docker: Dockerode, name: string, imageId: string): Promise<void> {
  try {
    const found = (await docker.getImage(name).inspect()) as { Id: string };
    if (imageId && found.Id !== imageId) return;
    // Forced: a stopped container of a service that just went away may still refer to the image; the
    // tag is this resource's to remove, and containers keep the image itself by its ID.
    await docker.getImage(name).remove({ force: true, noprune: false });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

async function buildAndPush(inputs: ImageInputs): Promise<ImageOutputs> {
  const what = `image ${inputs.repository}:${inputs.tag}`;
  const docker = engineClient(inputs.connection);
  const imageId = await build(docker, inputs, what);
  const digest = await push(docker, inputs, what);
  engineLog("info", `${what}: pushed ${digest}`);
  return { ...inputs, imageId, digest, repoDigest: `${inputs.repository}@${digest}` };
}

/**
 * Builds an image from a context and pushes it. `check` hashes what the build would send, so the
 * image is built again exactly when that, the Dockerfile, build arguments, target, secrets' sources,
 * name or registry change; every change updates in place (the ID is the pushed name). Delete removes
 * the local tag only: the pushed manifest stays in the registry, where its retention rules apply.
 */
export const imageProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ImageInputs, news: ImageInputs) {
    const failures = imageInputProblems(news);
    if (failures.length > 0 || !isKnown(news.context) || !isKnown(news.dockerfile)) {
      return { inputs: { ...news, contextHash: unknownValue }, failures };
    }
    const hash = contextHash(news.context, contextEntries(news.context, news.dockerfile));
    return { inputs: { ...news, contextHash: hash }, failures };
  },

  async diff(_id: string, olds: ImageOutputs, news: ImageInputs) {
    const changed = (Object.keys(buildInputs) as (keyof typeof buildInputs)[]).filter(
      (k) => isUnknown(news[k]) || !sameValue(olds[k] ?? buildInputs[k], news[k] ?? buildInputs[k]),
    );
    return { changes: changed.length > 0, replaces: [] };
  },

  async create(inputs: ImageInputs) {
    const outs = await buildAndPush(inputs);
    return { id: `${inputs.repository}:${inputs.tag}`, outs };
  },

  /**
   * Asks the registry (through the engine) whether the pushed digest is still there; one deleted from
   * the registry is reported gone, so the next update builds and pushes it again.
   */
  async read(id: string, props: ImageOutputs) {
    if (!props?.repoDigest) return { id, props };
    const docker = engineClient(props.connection);
    try {
      await docker.getImage(props.repoDigest).distribution({ authconfig: props.registry } as never);
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      const message = err instanceof Error ? err.message : String(err);
      if (isNotFound(err) || (status === 401 && /manifest unknown|not found/i.test(message))) return {};
      throw err;
    }
    return { id, props };
  },

  async update(_id: string, olds: ImageOutputs, news: ImageInputs) {
    const outs = await buildAndPush(news);
    const oldName = `${olds.repository}:${olds.tag}`;
    if (oldName !== `${news.repository}:${news.tag}`) {
      await untag(engineClient(olds.connection), oldName, olds.imageId);
    }
    return { outs };
  },

  async delete(_id: string, props: ImageOutputs) {
    await untag(engineClient(props.connection), `${props.repository}:${props.tag}`, props.imageId);
  },
};

/** The inputs of {@link DockerImage}. */
export interface DockerImageArgs {
  /** The build context: an absolute directory path. */
  context: pulumi.Input<string>;
  /** The Dockerfile, relative to the context. Default: `"Dockerfile"`. */
  dockerfile?: pulumi.Input<string>;
  /** The stage to build. Default: the last one. */
  target?: pulumi.Input<string>;
  /** Build arguments (`ARG`). Default: none. */
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Build secrets by ID, each read from a file or variable at build time. Default: none. */
  secrets?: pulumi.Input<Record<string, pulumi.Input<BuildSecretSource>>>;
  /** The repository to push to, with its registry host and without a tag. */
  repository: pulumi.Input<string>;
  /** Default: `"latest"`. */
  tag?: pulumi.Input<string>;
  /** Credentials for pushing. Secret in state. Default: none (a registry that takes anonymous pushes). */
  registry?: pulumi.Input<ImageRegistryAuth>;
  /** The engine that builds and pushes. Default: the local engine. */
  connection?: pulumi.Input<EngineConnection>;
  /** The one platform to build for. Default: the engine's own. */
  platform?: pulumi.Input<string>;
  /** Images whose layers the build may reuse. Default: none. */
  cacheFrom?: pulumi.Input<pulumi.Input<string>[]>;
  /** Reuse no cached layer. Default: false. */
  noCache?: pulumi.Input<boolean>;
}

/** An image built by a Docker engine and pushed to a registry: see {@link imageProvider}. */
export class DockerImage extends pulumi.dynamic.Resource {
  /** `repository@sha256:...`: the pushed image, pinned by the digest the registry answered with. */
  declare readonly repoDigest: pulumi.Output<string>;
  declare readonly digest: pulumi.Output<string>;
  declare readonly imageId: pulumi.Output<string>;
  declare readonly contextHash: pulumi.Output<string>;

  constructor(name: string, args: DockerImageArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("docker:image", imageProvider),
      name,
      {
        connection: args.connection === undefined ? {} : pulumi.secret(args.connection),
        context: args.context,
        dockerfile: args.dockerfile ?? "Dockerfile",
        target: args.target ?? "",
        buildArgs: args.buildArgs ?? {},
        secrets: args.secrets ?? {},
        repository: args.repository,
        tag: args.tag ?? "latest",
        registry: args.registry === undefined ? undefined : pulumi.secret(args.registry),
        platform: args.platform ?? "",
        cacheFrom: args.cacheFrom ?? [],
        noCache: args.noCache ?? false,
        contextHash: undefined,
        imageId: undefined,
        digest: undefined,
        repoDigest: undefined,
      },
      withSecretOutputs(opts, ["connection", "registry"]),
      "berth/docker",
      "Image",
    );
  }
}
