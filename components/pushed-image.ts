import type * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "./cluster";

/** What an image is built from. */
export interface ImageBuildSource {
  /** The build context directory. */
  context: pulumi.Input<string>;
  /** Relative to the context. @default "Dockerfile" */
  dockerfile?: pulumi.Input<string>;
  /** Build arguments (`ARG`); they end up in the image's history, so never secrets. */
  args?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The stage to build. @default the last one */
  target?: pulumi.Input<string>;
  /**
   * The one platform to build for (see `Image`'s `platform`). A service built from it runs on that
   * platform too unless it names its own `platform`.
   * @default the building engine's own, and no placement
   */
  platform?: "linux/amd64" | "linux/arm64";
  /** Images whose layers the build may reuse (see `Image`'s `cacheFrom`). @default none */
  cacheFrom?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Where an image is pushed. */
export interface ImagePushTarget {
  /** With its registry host and without a tag: `registry.example.com/team/app`. */
  repository: pulumi.Input<string>;
  /** @default "latest" */
  tag?: pulumi.Input<string>;
  /** Credentials for the push. Secret in state. @default none */
  credentials?: pulumi.Input<RegistryCredentials>;
}

/**
 * An `Image` child of `parent` named `name`, built from `source` and pushed to `push`: what a service
 * with a build runs, as `repository@sha256:...`, so that it updates exactly when the image's content does.
 */
export function buildAndPush(
  name: string,
  source: ImageBuildSource,
  push: ImagePushTarget,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  // Loaded on use: programs that build nothing never load the Docker client.
  const { Image } = require("./registry/image") as typeof import("./registry/image");
  const image = new Image(
    name,
    {
      context: source.context,
      dockerfile: source.dockerfile,
      args: source.args,
      target: source.target,
      platform: source.platform,
      cacheFrom: source.cacheFrom,
      repository: push.repository,
      tag: push.tag,
      registry: push.credentials,
    },
    { parent },
  );
  return image.repoDigest;
}
