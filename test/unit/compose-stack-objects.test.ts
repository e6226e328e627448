import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCompose, toServiceSpecs } from "../../components/compose";
import { stackServiceSpec } from "../../components/swarm/stack-service-spec";
import {
  stackNetworkSettings,
  swarmStackIssues,
  stackVolumeOptions,
} from "../../components/swarm/stack-networks";
import { usedResources } from "../../components/compose/stack-objects";
import { normalizeService, renderSwarm } from "../../components/spec";
import { composeDir } from "../support/compose-dir";

const namespace = { "com.docker.stack.namespace": "shop" };

function project(text: string) {
  return loadCompose({ workingDir: composeDir({ "compose.yaml": text }), env: {}, projectName: "shop" });
}

/** The engine spec ComposeStack sends for one service of a project. */
function engineSpecOf(text: string, service: string) {
  const loaded = project(text);
  const input = toServiceSpecs(loaded).services[service];
  return stackServiceSpec(renderSwarm(normalizeService(service, input)), {
    project: loaded,
    service,
    containerLabels: {},
    networks: {},
    secrets: {},
    configs: {},
  });
}

describe("ComposeStack's networks", () => {
  it("passes every driver option but encrypted to the engine, and encrypted as the flag", () => {
    const { networks } = project(
      `services:\n  a: { image: a, networks: [back] }\nnetworks:\n  back:\n    driver: overlay\n    driver_opts:\n      encrypted: ""\n      com.docker.network.driver.mtu: 1400\n`,
    );
    const settings = stackNetworkSettings(networks!.back);
    assert.equal(settings.encrypted, true);
    assert.deepEqual(settings.options, { "com.docker.network.driver.mtu": "1400" });
  });

  it("passes ipam (driver, options and every pool field) to the engine", () => {
    const { networks } = project(
      `services:\n  a: { image: a, networks: [back] }\nnetworks:\n  back:\n    ipam:\n      driver: default\n      options: { foo: bar }\n      config:\n        - subnet: 10.5.0.0/16\n          ip_range: 10.5.1.0/24\n          gateway: 10.5.0.1\n          aux_addresses: { host1: 10.5.0.5 }\n`,
    );
    assert.deepEqual(stackNetworkSettings(networks!.back).ipam, {
      driver: "default",
      options: { foo: "bar" },
      config: [
        {
          subnet: "10.5.0.0/16",
          ipRange: "10.5.1.0/24",
          gateway: "10.5.0.1",
          auxAddresses: { host1: "10.5.0.5" },
        },
      ],
    });
  });

  it("refuses what an overlay network of Berth cannot be, naming each key at once", () => {
    const loaded = project(
      `services:\n  a: { image: a, networks: [v6, bridged, v6only, unused] }\n  b: { image: b }\nnetworks:\n  v6: { enable_ipv6: true }\n  bridged: { driver: bridge }\n  v6only: { enable_ipv4: false }\n  unused: {}\n`,
    );
    assert.deepEqual(
      swarmStackIssues(loaded, usedResources(loaded)).map((i) => i.path),
      ["networks.v6.enable_ipv6", "networks.bridged.driver", "networks.v6only.enable_ipv4"],
    );
  });
});

describe("ComposeStack's secrets and configs", () => {
  it("refuses secret drivers and templates, naming the key", () => {
    const loaded = project(
      `services:\n  a: { image: a, secrets: [s], configs: [c] }\nsecrets:\n  s: { file: ./s.txt, driver: vault, driver_opts: { path: x } }\nconfigs:\n  c: { content: hi, template_driver: golang }\n`,
    );
    const issues = swarmStackIssues(loaded, usedResources(loaded));
    assert.deepEqual(
      issues.map((i) => i.path),
      ["secrets.s.driver", "secrets.s.driver_opts", "configs.c.template_driver"],
    );
    assert.match(issues[0].message, /^"driver" is not supported by Berth yet/);
  });
});

describe("ComposeStack's volumes", () => {
  const volumeFile = (volume: string) =>
    `services:\n  a:\n    image: a\n    volumes: ["data:/data"]\nvolumes:\n  data:\n${volume}`;

  it("mounts a named volume with its driver, driver options and labels, as docker stack does", () => {
    const spec = engineSpecOf(
      volumeFile(
        `    driver: local\n    driver_opts: { type: tmpfs, device: tmpfs, o: "size=1m", uid: 1000 }\n    labels: { backup: daily }\n`,
      ),
      "a",
    );
    const mounts = (spec.TaskTemplate.ContainerSpec as { Mounts?: unknown[] }).Mounts;
    assert.deepEqual(mounts, [
      {
        Type: "volume",
        Source: "shop_data",
        Target: "/data",
        ReadOnly: false,
        VolumeOptions: {
          Labels: { backup: "daily", ...namespace },
          DriverConfig: {
            Name: "local",
            Options: { type: "tmpfs", device: "tmpfs", o: "size=1m", uid: "1000" },
          },
        },
      },
    ]);
  });

  it("sets no driver when the file names none, and nothing on an external volume", () => {
    const { volumes } = project(volumeFile(`    labels: [team=a]\n`));
    assert.deepEqual(stackVolumeOptions(volumes!.data, namespace), { Labels: { team: "a", ...namespace } });
    assert.deepEqual(stackVolumeOptions({ driver_opts: { o: "x" } }, namespace), {
      Labels: namespace,
      DriverConfig: { Name: "", Options: { o: "x" } },
    });
    assert.equal(stackVolumeOptions({ external: true, name: "shared" }, namespace), undefined);
  });
});
