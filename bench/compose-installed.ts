/**
 * compose-installed: the compose-deploy comparison with Berth as users get it. Berth is packed and
 * installed from its tarball into a project of its own (beside that project's own SDK), and the
 * program runs in its own process as the language host runs it (ts-node), so state holds the
 * installed package's provider references, not providers inlined from a source tree. Also prints the
 * preview (`pulumi up`'s first half unless `--skip-preview`) of the same program.
 */
import fs from "fs";
import os from "os";
import path from "path";
import { consumerProject, packBerth } from "../test/support/consumer";
import { runProject } from "../test/support/harness";
import { compareWithStackDeploy, composeProjectDir, deployedServices } from "./compose-deploy";
import { median } from "./timing";

/** The SDK release the user's project pins: not this repository's, as with a real user. */
const userSdk = "3.269.0";

const program = `import * as pulumi from "@pulumi/pulumi";
import { ComposeStack } from "pulumi-berth/compose";
import { LocalSwarm } from "pulumi-berth/swarm";

const cluster = new LocalSwarm("local", { defaultNetwork: { skip: true } });
const stack = new ComposeStack("bench", {
  cluster,
  project: { workingDir: __dirname, env: {}, projectName: pulumi.getStack() },
});
export const serviceIds = stack.serviceIds;
`;

export async function benchComposeInstalled(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "berth-bench-pack-"));
  const composeDir = composeProjectDir(deployedServices);
  const project = consumerProject("berth-bench-installed", {
    "pulumi-berth": `file:${packBerth(scratch)}`,
    "@pulumi/pulumi": userSdk,
    typescript: "~5.9.3",
    "@types/node": "^20.19.0",
  });
  try {
    project.npm("install");
    project.write("compose/compose.yaml", fs.readFileSync(path.join(composeDir, "compose.yaml"), "utf8"));
    project.write("compose/index.ts", program);
    const options = { project: "berth-bench-installed", main: "compose" };

    const previews: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = Date.now();
      const run = await runProject(project.dir, { ...options, stack: `preview-${round}`, preview: true });
      previews.push(Date.now() - start);
      const services = run.resources.filter((r) => r.type.endsWith("SwarmService")).length;
      if (services !== deployedServices) throw new Error(`${services} services previewed`);
    }
    console.log(
      `compose-installed preview of ${deployedServices} services = ${median(previews)} ms (the program's process included)`,
    );
    await compareWithStackDeploy("compose-installed", composeDir, (stack) =>
      runProject(project.dir, { ...options, stack }),
    );
  } finally {
    project.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(composeDir, { recursive: true, force: true });
  }
}
