/**
 * Builds that Docker's engine API cannot make, delegated to `@pulumi/docker-build` (an optional peer,
 * loaded only here): images for several platforms at once (one manifest list) and registry cache exports.
 */
import path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as dockerBuild from "@pulumi/docker-build";
import type { RegistryCredentials } from "../cluster";
import type { Platform } from "../spec/platform";
import { missingPeersMessage } from "../../provider/shared/peer-packages";

/** The package a delegated build needs. */
export const dockerBuildPackage = "@pulumi/docker-build";

/** What a delegated build is made from: `Image`'s arguments, with the platforms resolved. */
export interface DelegatedBuildArgs {
  context: pulumi.Input<string>;
  dockerfile?: pulumi.Input<string>;
  target?: pulumi.Input<string>;
  args?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  repository: pulumi.Input<string>;
  tag?: pulumi.Input<string>;
  registry?: pulumi.Input<RegistryCredentials>;
  /** Undefined: the builder's own platform. */
  platforms?: pulumi.Input<pulumi.Input<Platform>[]>;
  cacheFrom?: pulumi.Input<pulumi.Input<string>[]>;
  cacheTo?: pulumi.Input<string>[];
  noCache?: pulumi.Input<boolean>;
}

/** What `Image` reads back from a delegated build. */
export interface DelegatedBuild {
  /** The pushed manifest's digest: the manifest list's when several platforms were built. */
  digest: pulumi.Output<string>;
  /** docker-build's hash of the context. */
  contextHash: pulumi.Output<string>;
}

/**
 * A `docker-build` `Image` child of `parent` named `name` that builds `args` and pushes it, as
 * `<repository>:<tag>`, with the credentials as a secret. Cache exports (`cacheTo`) keep every
 * stage's layers (`mode=max`); with `cacheFrom` and no `cacheTo`, inline cache metadata is written
 * into the pushed image, as the engine path does, so that it serves the next build.
 *
 * @throws `pulumi.ResourceError` naming `what` and the install command when the package is missing.
 */
export function dockerBuildImage(
  name: string,
  what: string,
  args: DelegatedBuildArgs,
  parent: pulumi.Resource,
): DelegatedBuild {
  const missing = missingPeersMessage(what, [dockerBuildPackage]);
  if (missing) throw new pulumi.ResourceError(missing, parent);
  const sdk = require(dockerBuildPackage) as typeof dockerBuild;

  const context = pulumi.output(args.context).apply((c) => path.resolve(c));
  const registry = args.registry === undefined ? undefined : pulumi.output(args.registry);
  const cacheTo: dockerBuild.types.input.CacheToArgs[] | undefined =
    args.cacheTo !== undefined && args.cacheTo.length > 0
      ? args.cacheTo.map((ref) => ({ registry: { ref, mode: "max" } }))
      : args.cacheFrom !== undefined
        ? [{ inline: {} }]
        : undefined;
  const image = new sdk.Image(
    name,
    {
      context: { location: context },
      ...(args.dockerfile !== undefined && {
        dockerfile: {
          location: pulumi.all([context, args.dockerfile]).apply(([c, f]) => path.resolve(c, f)),
        },
      }),
      ...(args.platforms !== undefined && { platforms: args.platforms }),
      ...(args.args !== undefined && { buildArgs: args.args }),
      ...(args.target !== undefined && { target: args.target }),
      ...(args.cacheFrom !== undefined && {
        cacheFrom: pulumi.output(args.cacheFrom).apply((refs) => refs.map((ref) => ({ registry: { ref } }))),
      }),
      ...(cacheTo !== undefined && { cacheTo }),
      ...(args.noCache !== undefined && { noCache: args.noCache }),
      push: true,
      tags: [pulumi.interpolate`${args.repository}:${args.tag ?? "latest"}`],
      ...(registry !== undefined && {
        registries: [
          {
            address: registry.server,
            username: registry.username,
            password: pulumi.secret(registry.password),
          },
        ],
      }),
    },
    { parent },
  );
  return { digest: image.digest, contextHash: image.contextHash };
}
