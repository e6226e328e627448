import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { basename, join, resolve } from "path";
import { type Command, exit, parse, UsageError } from "./io";
import { readTarget, type Target } from "./targets";

export const initHelp = `Usage: berth init [DIR] --target swarm|kubernetes|ecs

Creates a Pulumi TypeScript project that deploys one ContainerService with Berth on the target's
cluster: Pulumi.yaml, package.json (pulumi-berth, @pulumi/pulumi and the target's provider package),
tsconfig.json and index.ts. DIR (default: the current directory) must be empty or not exist.

  swarm       the local Docker engine (LocalSwarm), busybox's httpd published on port 8080
  kubernetes  the cluster of your kubeconfig (KubernetesCluster)
  ecs         a new ECS cluster on Fargate, in a VPC of its own (EcsCluster)

Options:
  -t, --target  swarm, kubernetes or ecs (required)
  -h, --help    show this help

Examples:
  berth init my-app --target swarm && cd my-app && npm install && pulumi up
  berth init --target kubernetes

Exit status: 0 created, 2 DIR is not empty or the command line is wrong.
`;

const clusters: Record<Target, { module: string; cls: string; args: string; comment: string }> = {
  swarm: {
    module: "pulumi-berth/swarm",
    cls: "LocalSwarm",
    args: "",
    comment: "The local Docker engine; swarm mode is switched on if it is off.",
  },
  kubernetes: {
    module: "pulumi-berth/kubernetes",
    cls: "KubernetesCluster",
    args: ", {}",
    comment:
      "The cluster of the ambient kubeconfig ($KUBECONFIG or ~/.kube/config), in a namespace per stack.",
  },
  ecs: {
    module: "pulumi-berth/ecs",
    cls: "EcsCluster",
    args: ", {}",
    comment: "An ECS cluster on Fargate in a new VPC; set aws:region in the stack's configuration.",
  },
};

/** The provider package each target needs beside @pulumi/pulumi. */
const targetPackages: Record<Target, string[]> = {
  swarm: [],
  kubernetes: ["@pulumi/kubernetes"],
  ecs: ["@pulumi/aws"],
};

interface BerthPackage {
  version: string;
  peerDependencies: Record<string, string>;
}

function berthPackage(): BerthPackage {
  return JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as BerthPackage;
}

/** A Pulumi project name from a directory name. */
export function projectName(dir: string): string {
  return (
    basename(resolve(dir))
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .replace(/^[-.]+|[-.]+$/g, "") || "berth-app"
  );
}

/** The files of a new project, by name. */
export function projectFiles(name: string, target: Target): Record<string, string> {
  const pkg = berthPackage();
  const c = clusters[target];
  const dependencies: Record<string, string> = {
    "@pulumi/pulumi": pkg.peerDependencies["@pulumi/pulumi"],
    "pulumi-berth": `^${pkg.version}`,
  };
  for (const p of targetPackages[target]) dependencies[p] = pkg.peerDependencies[p];
  const port = target === "swarm" ? "{ target: 80, published: 8080 }" : "{ target: 80, public: true }";
  return {
    "Pulumi.yaml": `name: ${name}\ndescription: A container service deployed with Berth on ${target}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
    "package.json": `${JSON.stringify(
      {
        name,
        private: true,
        main: "index.ts",
        dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
        devDependencies: { "@types/node": "^20.0.0", typescript: "^5.0.0" },
      },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "node16",
          moduleResolution: "node16",
          types: ["node"],
          skipLibCheck: true,
          outDir: "bin",
        },
        files: ["index.ts"],
      },
      null,
      2,
    )}\n`,
    "index.ts": `import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "pulumi-berth";
import { ${c.cls} } from "${c.module}";

const config = new pulumi.Config();
const image = config.get("image") ?? "busybox:1.36";

// ${c.comment}
const cluster = new ${c.cls}("cluster"${c.args});

const web = new ContainerService("web", {
  cluster,
  image,
  command: ["httpd", "-f", "-p", "80", "-h", "/tmp"],
  replicas: 2,
  ports: [${port}],
  healthCheck: { tcp: { port: 80 }, interval: "10s", timeout: "3s", retries: 3 },
  resources: { cpu: 0.25, memory: "64Mi" },
});

export const serviceName = web.serviceName;
`,
  };
}

export const initCommand: Command = {
  name: "init",
  summary: "create a Pulumi TypeScript project with one ContainerService on a target's cluster",
  help: initHelp,
  run(argv, io) {
    const { values, positionals } = parse(argv, { target: { type: "string", short: "t" } });
    const target = readTarget(values.target) as Target;
    if (positionals.length > 1) throw new UsageError("name at most one DIR");
    const dir = resolve(io.cwd, positionals[0] ?? ".");
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      io.err(`berth init: ${dir} is not empty; name a new or empty directory\n`);
      return exit.unusable;
    }
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(projectFiles(projectName(dir), target))) {
      writeFileSync(join(dir, file), content);
      io.out(`created ${join(positionals[0] ?? ".", file)}\n`);
    }
    io.out(`\nNext: cd ${positionals[0] ?? "."} && npm install && pulumi up\n`);
    return exit.ok;
  },
};
