import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "./cluster";
import { type SpecIssue, SpecError } from "./spec";

/** What a service builds its image from. */
export interface ServiceBuildArgs {
  /** The build context: a directory, relative to the program's working directory. */
  context: pulumi.Input<string>;
  /**
   * The Dockerfile, relative to the context.
   * @default `"Dockerfile"`
   */
  dockerfile?: pulumi.Input<string>;
  /**
   * Build arguments (`ARG`); they end up in the image's history, so never secrets.
   * @default none
   */
  args?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * The stage to build.
   * @default the last one
   */
  target?: pulumi.Input<string>;
  /**
   * The one platform to build for (see `Image`'s `platform`). The service runs on that platform too
   * unless it names its own `platform`. Default: the building engine's own, and no placement.
   */
  platform?: "linux/amd64" | "linux/arm64";
  /** Images whose layers the build may reuse (see `Image`'s `cacheFrom`). Default: none. */
  cacheFrom?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Where a built image is pushed, and how the cluster pulls it. */
export interface ServiceRegistryArgs {
  /** The repository, with its registry host and without a tag: `harbor.example.com/apps/api`. */
  repository: pulumi.Input<string>;
  /**
   * Credentials for the push and for the cluster's pulls (unless the service's `registryAuth` is given), e.g.
   * from `credentialsFor` of `pulumi-berth/registry`. Secret in state.
   * @default none
   */
  credentials?: pulumi.Input<RegistryCredentials>;
  /**
   * The tag pushed; the service runs the pushed digest, so a tag may be reused.
   * @default `"latest"`
   */
  tag?: pulumi.Input<string>;
}

/** A service's image source: a reference, or a build pushed to a registry. */
export interface ServiceImageSource {
  image?: pulumi.Input<string>;
  build?: ServiceBuildArgs;
  registry?: ServiceRegistryArgs;
  registryAuth?: pulumi.Input<RegistryCredentials>;
}

/** Every problem with how a service names its image. */
export function serviceImageIssues(source: ServiceImageSource): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (source.image !== undefined && source.build !== undefined) {
    issues.push({ path: "build", message: "give either image or build, not both" });
  } else if (source.image === undefined && source.build === undefined) {
    issues.push({ path: "image", message: "is required (or build with registry, to build and push one)" });
  }
  if (source.build !== undefined && source.registry === undefined) {
    issues.push({ path: "registry", message: "is required with build: the repository to push the image to" });
  }
  if (source.build === undefined && source.registry !== undefined) {
    issues.push({ path: "registry", message: "is for a built image; add build, or drop registry" });
  }
  return issues;
}

/**
 * The image a service runs and the credentials its cluster pulls with. With `build`, the image is
 * built and pushed by an `Image` (a child of `parent`, named `<name>-image`), and the service runs the
 * pushed `repository@sha256:...`, so it updates exactly when the image's content does.
 *
 * @throws {@link SpecError} for a wrong combination of `image`, `build` and `registry`.
 */
export function serviceImage(
  name: string,
  serviceName: string,
  source: ServiceImageSource,
  parent: pulumi.Resource,
): { image: pulumi.Input<string>; registryAuth?: pulumi.Input<RegistryCredentials> } {
  const issues = serviceImageIssues(source);
  if (issues.length > 0) throw new SpecError(serviceName, issues);
  const { build, registry } = source;
  if (!build || !registry) return { image: source.image!, registryAuth: source.registryAuth };
  // Loaded on use: services that run a given image never load the Docker client.
  const { Image } = require("./registry/image") as typeof import("./registry/image");
  const image = new Image(
    `${name}-image`,
    {
      context: build.context,
      dockerfile: build.dockerfile,
      args: build.args,
      target: build.target,
      platform: build.platform,
      cacheFrom: build.cacheFrom,
      repository: registry.repository,
      tag: registry.tag,
      registry: registry.credentials,
    },
    { parent },
  );
  return { image: image.repoDigest, registryAuth: source.registryAuth ?? registry.credentials };
}
