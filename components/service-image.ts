import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "./cluster";
import { buildAndPush, type ImageBuildSource } from "./pushed-image";
import { type SpecIssue, SpecError } from "./spec";

/** What a service builds its image from; `context` is relative to the program's working directory. */
export type ServiceBuildArgs = ImageBuildSource;

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
  const image = buildAndPush(`${name}-image`, build, registry, parent);
  return { image, registryAuth: source.registryAuth ?? registry.credentials };
}
