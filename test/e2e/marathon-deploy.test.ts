/**
 * A Marathon app converted by `berth convert marathon`, rendered by `berth render --target swarm` and
 * created as it is on the local engine: it runs, passes its converted health check and serves.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { engineClient } from "../../provider/shared/engine";
import { removeLabelled, testOwner } from "../support/cleanup";
import { berth } from "../support/cli-run";
import { composeDir } from "../support/compose-dir";
import { needEngine } from "../support/engine";
import { hello } from "../support/marathon-fixtures";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a converted Marathon app on the local engine", () => {
  it("runs healthy and serves, from berth convert and berth render alone", async (t) => {
    if (!(await needEngine(t))) return;
    const dir = composeDir({});
    writeFileSync(join(dir, "hello.json"), JSON.stringify(hello));
    const converted = await berth(["convert", "marathon", "hello.json", "--to", "spec"], dir);
    assert.equal(converted.status, 0, converted.stderr);
    writeFileSync(join(dir, "services.yaml"), converted.stdout);
    const rendered = await berth(["render", "services.yaml", "--target", "swarm"], dir);
    assert.equal(rendered.status, 0, rendered.stderr);
    const [spec] = JSON.parse(rendered.stdout) as { Name: string; Labels: Record<string, string> }[];

    const owner = testOwner("marathon");
    const docker = engineClient();
    const name = `${spec.Name}-${owner.project}`;
    try {
      const created = (await docker.createService({
        ...spec,
        Name: name,
        Labels: { ...spec.Labels, "berth.project": owner.project },
      })) as { id?: string; ID?: string };
      const id = created.id ?? created.ID ?? "";
      let health = "";
      let container = "";
      for (let i = 0; i < 60 && health !== "healthy"; i++) {
        await sleep(1000);
        const tasks = await docker.listTasks({ filters: JSON.stringify({ service: [id] }) });
        const running = tasks.find((task) => task.Status?.State === "running");
        container = running?.Status?.ContainerStatus?.ContainerID ?? "";
        if (container) {
          const state = (await docker.getContainer(container).inspect()).State;
          health = state.Health?.Status ?? "";
        }
      }
      assert.equal(
        health,
        "healthy",
        `the converted COMMAND health check did not pass (container ${container})`,
      );
      const page = execFileSync(
        "docker",
        ["exec", container, "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"],
        {
          encoding: "utf8",
        },
      );
      assert.equal(page.trim(), "hello from marathon");
      // The engine kept the rendered task template as given: the docker CLI reads back the same one.
      const readBack = JSON.parse(
        execFileSync(
          "docker",
          ["service", "inspect", id, "--format", "{{json .Spec.TaskTemplate.ContainerSpec}}"],
          {
            encoding: "utf8",
          },
        ),
      ) as Record<string, unknown>;
      const given = (spec as unknown as { TaskTemplate: { ContainerSpec: Record<string, unknown> } })
        .TaskTemplate.ContainerSpec;
      // The engine omits empty lists.
      const set = (value: unknown) => (Array.isArray(value) && value.length === 0 ? undefined : value);
      assert.ok(given.Healthcheck, "the converted app has a health check to compare");
      for (const field of ["Image", "Command", "Args", "Env", "Healthcheck"])
        assert.deepEqual(
          set(readBack[field]),
          set(given[field]),
          `ContainerSpec.${field} as docker service inspect reads it`,
        );
    } finally {
      await removeLabelled(owner.project);
    }
  });
});
