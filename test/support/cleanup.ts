import { randomBytes } from "crypto";
import { engineClient } from "../../provider/shared/engine";
import type { Owner } from "../../provider/swarm/ownership";

/** A project name no other run uses, so clean-up can go by label. */
export function testOwner(component = "test"): Owner {
  const project = `berth-test-${randomBytes(4).toString("hex")}`;
  return {
    project,
    stack: "test",
    component,
    urn: `urn:pulumi:test::${project}::berth:test:Resource::${component}`,
  };
}

/** Removes every service, secret, config and network labelled with `project`. */
export async function removeLabelled(project: string): Promise<void> {
  const docker = engineClient();
  const filters = JSON.stringify({ label: [`berth.project=${project}`] });
  for (const s of await docker.listServices({ filters }))
    await docker
      .getService(s.ID)
      .remove()
      .catch(() => undefined);
  for (const s of await docker.listSecrets({ filters }))
    await docker
      .getSecret(s.ID)
      .remove()
      .catch(() => undefined);
  for (const c of await docker.listConfigs({ filters }))
    await docker
      .getConfig(c.ID)
      .remove()
      .catch(() => undefined);
  for (const n of await docker.listNetworks({ filters }))
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
}
