import path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import { type BuildSecretSource, DockerImage } from "../../provider/docker/image";
import type { EngineConnection } from "../../provider/swarm/engine";

export type { BuildSecretSource } from "../../provider/docker/image";

/** The inputs of {@link Image}. */
export interface ImageArgs {
  /** The build context: a directory, relative to the program's working directory (the project's). */
  context: pulumi.Input<string>;
  /**
   * The Dockerfile, relative to the context and inside it.
   * @default `"Dockerfile"`
   */
  dockerfile?: pulumi.Input<string>;
  /**
   * The build stage to build (`FROM ... AS <target>`).
   * @default the last stage
   */
  target?: pulumi.Input<string>;
  /**
   * Build arguments (`ARG`). They end up in the image's history: never pass secrets here.
   * @default none
   */
  args?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Build secrets by ID, for `RUN --mount=type=secret,id=<ID>`: each names where its value is read at build
   * time, `{ file: "/path" }` or `{ env: "VARIABLE" }`, on the machine that runs the deployment. Values never
   * reach the image's layers, its history or the stack's state; only the sources do, so a new value behind
   * the same source does not rebuild the image (change the file's name or the variable's, or any build
   * argument, to force it).
   * @default none
   */
  secrets?: pulumi.Input<Record<string, pulumi.Input<BuildSecretSource>>>;
  /** The repository to push to, with its registry host and without a tag: `registry.example.com/team/app`. */
  repository: pulumi.Input<string>;
  /**
   * The tag pushed. Services use {@link Image.repoDigest}, so the tag may be reused.
   * @default `"latest"`
   */
  tag?: pulumi.Input<string>;
  /**
   * Credentials for pushing; `server` must be the repository's registry host. Secret in state. The build also
   * uses them to pull base images from that registry.
   * @default none, for a registry that accepts anonymous pushes
   */
  registry?: pulumi.Input<RegistryCredentials>;
  /**
   * The Docker engine that builds and pushes.
   * @default the local engine (`DOCKER_HOST` when set)
   */
  connection?: pulumi.Input<EngineConnection>;
  /**
   * The one platform to build for: `"linux/amd64"` or `"linux/arm64"`, built by the engine's BuildKit.
   * For the other architecture than the engine's, a Dockerfile that runs programs (`RUN`) needs QEMU
   * user emulation on the engine's host; without it the build fails saying what to install. Services
   * that run the image should name the same `platform`. Default: the engine's own platform.
   */
  platform?: pulumi.Input<"linux/amd64" | "linux/arm64">;
  /**
   * Images whose layers the build may reuse, such as the repository's previous tag
   * (`registry.example.com/team/app:latest`): the engine pulls their cache metadata, with `registry`'s
   * credentials for that registry. When given, the build writes inline cache metadata into the image
   * it pushes, so that image serves the next build. Default: none (only the engine's local cache).
   */
  cacheFrom?: pulumi.Input<pulumi.Input<string>[]>;
  /** Build every step again, reusing no cached layer; not with `cacheFrom`. Default: false. */
  noCache?: pulumi.Input<boolean>;
}

/**
 * An image built from a context by a Docker engine (with BuildKit) and pushed to a registry. Its
 * {@link Image.repoDigest} names the pushed manifest by digest, so a service that runs it updates
 * exactly when the image's content changes.
 *
 * The image is built and pushed again when what the build sends from the context changes (after
 * `.dockerignore`; timestamps do not count), or the Dockerfile path, target, build arguments, secrets'
 * sources, platform, cache settings, repository, tag, registry credentials or engine do. Destroying it removes the engine's
 * local tag; the pushed manifest stays in the registry, where the registry's own retention applies.
 */
export class Image extends pulumi.ComponentResource {
  /** `repository@sha256:...`: the pushed image, pinned by the digest the registry reported. */
  readonly repoDigest: pulumi.Output<string>;
  /** The manifest digest, `sha256:...`. */
  readonly digest: pulumi.Output<string>;
  /** `repository:tag`, as pushed. */
  readonly imageName: pulumi.Output<string>;
  /** The hash of what the build sent from the context. */
  readonly contextHash: pulumi.Output<string>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:registry:Image", name, {}, opts);
    const registry =
      args.registry &&
      pulumi.output(args.registry).apply((r) => ({
        serveraddress: r.server,
        username: r.username,
        password: r.password,
      }));
    const image = new DockerImage(
      name,
      {
        context: pulumi.output(args.context).apply((c) => path.resolve(c)),
        dockerfile: args.dockerfile,
        target: args.target,
        buildArgs: args.args,
        secrets: args.secrets,
        repository: args.repository,
        tag: args.tag,
        registry,
        connection: args.connection,
        platform: args.platform,
        cacheFrom: args.cacheFrom,
        noCache: args.noCache,
      },
      { parent: this },
    );
    this.repoDigest = image.repoDigest;
    this.digest = image.digest;
    this.imageName = pulumi.interpolate`${args.repository}:${args.tag ?? "latest"}`;
    this.contextHash = image.contextHash;
    this.registerOutputs({ repoDigest: this.repoDigest, digest: this.digest, imageName: this.imageName });
  }
}
