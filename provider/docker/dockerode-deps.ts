import path from "path";

/**
 * A module from dockerode's own dependencies (tar-fs, @balena/dockerignore, @grpc/grpc-js), resolved
 * from dockerode's directory, so the build uses exactly what the installed dockerode builds with.
 * Loaded on call: a dynamic provider that uses it captures no module when Pulumi serializes it.
 */
export function dockerodeDependency<T>(name: "tar-fs" | "@balena/dockerignore" | "@grpc/grpc-js"): T {
  const dockerode = path.dirname(require.resolve("dockerode/package.json"));
  return require(require.resolve(name, { paths: [dockerode] })) as T;
}
