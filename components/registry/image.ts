import path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import { type BuildSecretSource, DockerImage } from "../../provider/docker/image";
import type { EngineConnection } from "../../provider/shared/engine";
import { type ArgumentIssue, ComponentArgumentsError } from "../arguments/error";
import { type Platform, platforms as knownPlatforms } from "../spec/platform";
import { dockerBuildImage } from "./docker-build-image";

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
  /**
   * Several platforms to build at once, pushed as one tag whose manifest list holds a variant per
   * platform (`["linux/amd64", "linux/arm64"]`), so each node pulls its own. Not with `platform`.
   * A plain list (not an output): it decides, at preview, that the build is made by
   * `@pulumi/docker-build` rather than the engine; see the platforms page of the docs.
   * Not with `secrets` or `connection`.
   * @default none: one platform, built by the engine
   */
  platforms?: Platform[];
  /**
   * Registry references to export the build cache to (`registry.example.com/team/app:buildcache`),
   * with every stage's layers (BuildKit's `mode=max`), for the next build's `cacheFrom`. Built by
   * `@pulumi/docker-build`, as `platforms` is; a plain list.
   * @default none: with `cacheFrom`, inline cache metadata in the pushed image only
   */
  cacheTo?: pulumi.Input<string>[];
}

/**
 * `Image`'s arguments are wrong; `issues` lists every problem, and nothing was built. Pulumi reports it
 * against the component, named in the message.
 */
export class ImageError extends ComponentArgumentsError {
  constructor(resourceName: string, issues: ArgumentIssue[], resource?: pulumi.Resource) {
    super("Image", resourceName, issues, resource);
    this.name = "ImageError";
  }
}

/** Whether `args` needs `@pulumi/docker-build`: several platforms, or a cache export. */
export const needsDockerBuild = (args: ImageArgs): boolean =>
  args.platforms !== undefined || args.cacheTo !== undefined;

/** Every problem with the arguments that choose how an image is built, each at its field. */
export function imageIssues(args: ImageArgs): ArgumentIssue[] {
  const issues: ArgumentIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const { platforms, cacheTo } = args;
  if (platforms !== undefined) {
    if (!Array.isArray(platforms) || platforms.length === 0) {
      add("platforms", `must list one or more of ${knownPlatforms.join(", ")}`);
    } else {
      platforms.forEach((p: unknown, i) => {
        if (!knownPlatforms.includes(p as Platform))
          add(`platforms[${i}]`, `${JSON.stringify(p)} is not one of ${knownPlatforms.join(", ")}`);
        else if (platforms.indexOf(p as Platform) !== i)
          add(`platforms[${i}]`, `${JSON.stringify(p)} is listed twice`);
      });
    }
    if (args.platform !== undefined) add("platforms", "give either platform or platforms, not both");
  }
  if (cacheTo !== undefined && !Array.isArray(cacheTo))
    add("cacheTo", "must be a list of registry references");
  if (needsDockerBuild(args)) {
    const why = "not with platforms or cacheTo, which @pulumi/docker-build builds";
    if (args.secrets !== undefined)
      add("secrets", `${why}; Berth reads secret sources only on the engine path`);
    if (args.connection !== undefined)
      add("connection", `${why} with the Docker engine of its own provider (DOCKER_HOST)`);
  }
  return issues;
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
 *
 * With `platforms` or `cacheTo`, the build is delegated to a `@pulumi/docker-build` `Image` (an optional
 * peer package, loaded only then), and {@link Image.repoDigest} names the manifest list it pushed.
 *
 * @throws {@link ImageError} for wrong arguments, before anything is built.
 */
export class Image extends pulumi.ComponentResource {
  /** `repository@sha256:...`: the pushed image, pinned by the digest the registry reported. */
  readonly repoDigest: pulumi.Output<string>;
  /** The manifest digest, `sha256:...`. */
  readonly digest: pulumi.Output<string>;
  /** `repository:tag`, as pushed. */
  readonly imageName: pulumi.Output<string>;
  /** The hash of what the build sent from the context (docker-build's own hash when it builds). */
  readonly contextHash: pulumi.Output<string>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("berth:registry:Image", name, {}, opts);
    const issues = imageIssues(args);
    if (issues.length > 0) throw new ImageError(name, issues, this);
    this.imageName = pulumi.interpolate`${args.repository}:${args.tag ?? "latest"}`;
    if (needsDockerBuild(args)) {
      const platform = args.platform;
      const built = dockerBuildImage(
        name,
        `Image ${name}`,
        {
          context: args.context,
          dockerfile: args.dockerfile,
          target: args.target,
          args: args.args,
          repository: args.repository,
          tag: args.tag,
          registry: args.registry,
          platforms:
            args.platforms ??
            (platform === undefined ? undefined : pulumi.output(platform).apply((p) => [p])),
          cacheFrom: args.cacheFrom,
          cacheTo: args.cacheTo,
          noCache: args.noCache,
        },
        this,
      );
      this.digest = built.digest;
      this.repoDigest = pulumi.interpolate`${args.repository}@${built.digest}`;
      this.contextHash = built.contextHash;
      this.registerOutputs({ repoDigest: this.repoDigest, digest: this.digest, imageName: this.imageName });
      return;
    }
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
    this.contextHash = image.contextHash;
    this.registerOutputs({ repoDigest: this.repoDigest, digest: this.digest, imageName: this.imageName });
  }
}
