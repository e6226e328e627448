import type * as pulumi from "@pulumi/pulumi";
import type { BuiltImage, RegistryCredentials } from "../cluster";
import { buildAndPush } from "../pushed-image";
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
  return Object.fromEntries(
    entries.map(([service, build]) => {
      const image = buildAndPush(
        `${name}-${service}-image`,
        build,
        { repository: build.repository, tag: build.tag, credentials: registry.credentials },
        parent,
      );
      return [service, { image, registryAuth: registry.credentials }];
    }),
  );
}
