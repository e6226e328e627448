/**
 * `npm run bench`: Berth's benchmarks. Each prints its figures; where a speed goal exists the figure
 * is a ratio against an anchor measured in the same run.
 */
import { benchComposeLoading } from "./compose";
import { benchComposeDeploy } from "./compose-deploy";
import { benchComposeInstalled } from "./compose-installed";
import { benchProgramCost } from "./program-cost";
import { benchSpecRendering } from "./spec-render";
import { benchStackWait } from "./stack-wait";
import { benchSwarm } from "./swarm";

async function main(): Promise<void> {
  const only = process.argv[2];
  const benches: Record<string, () => Promise<void> | void> = {
    "spec-render": benchSpecRendering,
    compose: benchComposeLoading,
    swarm: benchSwarm,
    "compose-deploy": benchComposeDeploy,
    "compose-installed": benchComposeInstalled,
    "program-cost": benchProgramCost,
    "stack-wait": benchStackWait,
  };
  for (const [name, bench] of Object.entries(benches)) {
    if (only && only !== name) continue;
    console.log(`# ${name}`);
    await bench();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
