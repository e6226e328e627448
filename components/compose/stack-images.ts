import type * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import type { ServiceBuildPlan } from "./stack-builds";

/** Where a stack pushes the images of services with `build`, and how clusters pull them. */
export interface ComposeStackRegistry {
  /**
   * A repository prefix with its registry host, e.g. `127.0.0.1:5000/shop`: a built service without `image`
   * is pushed to `<repository>/<service>`.
   * @default none (such a service must name `image`)
   */
  repository?: string;
  /** Credentials to push with, and the built services' pull credentials on the cluster. Secret in state. */
  credentials: pulumi.Input<RegistryCredentials>;
}

/** A built service's image, as the service runs it. */
export interface BuiltImage {
  /** `repository@sha256:...`, as pushed. */
  image: pulumi.Output<string>;
  registryAuth: pulumi.Input<RegistryCredentials>;
}

/**
 * One `Image` per planned build, a child of `parent` named `<name>-<service>-image`, pushed with the
 * registry's credentials.
 */
export function buildImages(
  parent: pulumi.Resource,
  name: string,
  builds: Record<string, ServiceBuildPlan>,
  registry: ComposeStackRegistry | undefined,
): Record<string, BuiltImage> {
  const entries = Object.entries(builds);
  if (entries.length === 0 || registry === undefined) return {};
  // Loaded on use: stacks that build nothing never load the Docker client.
  const { Image } = require("../registry/image") as typeof import("../registry/image");
  return Object.fromEntries(
    entries.map(([service, build]) => {
      const image = new Image(
        `${name}-${service}-image`,
        {
          context: build.context,
          dockerfile: build.dockerfile,
          args: build.args,
          target: build.target,
          repository: build.repository,
          tag: build.tag,
          registry: registry.credentials,
        },
        { parent },
      );
      return [service, { image: image.repoDigest, registryAuth: registry.credentials }];
    }),
  );
}
