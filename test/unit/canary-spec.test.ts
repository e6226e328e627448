import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import {
  normalizeService,
  renderEcs,
  renderKubernetes,
  renderSwarm,
  SpecError,
  type ServiceInput,
} from "../../components/spec";
import { canaryDeployment, stableDeployment, trackLabel } from "../../components/kubernetes/release";
import { nextRelease } from "../../provider/kubernetes/release";
import { kubernetesObjectProblems } from "../support/kubernetes-schema";

const base = { image: "nginx:1.27" };

function issuesOf(input: Record<string, unknown>): [string, string][] {
  try {
    normalizeService("web", input as unknown as ServiceInput);
  } catch (err) {
    assert.ok(err instanceof SpecError, String(err));
    return err.issues.map((i) => [i.path, i.message]);
  }
  assert.fail("expected a SpecError");
}

describe("update.canary validation", () => {
  const rows: { title: string; input: Record<string, unknown>; issues: [string, RegExp][] }[] = [
    {
      title: "neither replicas nor percent",
      input: { ...base, update: { canary: { pause: true } } },
      issues: [["update.canary", /give replicas .* or percent/]],
    },
    {
      title: "both replicas and percent",
      input: { ...base, replicas: 4, update: { canary: { replicas: 1, percent: 25 } } },
      issues: [["update.canary", /either replicas or percent, not both/]],
    },
    {
      title: "zero replicas",
      input: { ...base, update: { canary: { replicas: 0 } } },
      issues: [["update.canary.replicas", /at least 1/]],
    },
    {
      title: "percent 0",
      input: { ...base, update: { canary: { percent: 0 } } },
      issues: [["update.canary.percent", /at least 1/]],
    },
    {
      title: "percent 100",
      input: { ...base, update: { canary: { percent: 100 } } },
      issues: [["update.canary.percent", /at most 99/]],
    },
    {
      title: "fractional percent",
      input: { ...base, update: { canary: { percent: 12.5 } } },
      issues: [["update.canary.percent", /must be an integer/]],
    },
    {
      title: "pause that is not a boolean",
      input: { ...base, update: { canary: { replicas: 1, pause: "yes" } } },
      issues: [["update.canary.pause", /must be a boolean/]],
    },
    {
      title: "a misspelt field",
      input: { ...base, update: { canary: { replicas: 1, promot: true } } },
      issues: [["update.canary.promot", /unknown field; did you mean "promote"/]],
    },
    {
      title: "more canary replicas than the service has",
      input: { ...base, replicas: 2, update: { canary: { replicas: 3 } } },
      issues: [["update.canary.replicas", /at most the service's replicas \(2\)/]],
    },
    {
      title: "a service scaled to 0",
      input: { ...base, replicas: 0, update: { canary: { percent: 50 } } },
      issues: [["update.canary", /0 replicas has no traffic/]],
    },
    {
      title: "mode global",
      input: { ...base, mode: "global", update: { canary: { replicas: 1 } } },
      issues: [["update.canary", /only replicated services run a canary, not mode "global"/]],
    },
    {
      title: "mode job",
      input: { ...base, mode: "job", restart: { condition: "none" }, update: { canary: { replicas: 1 } } },
      issues: [
        ["update", /has no meaning with mode "job"/],
        ["update.canary", /not mode "job"/],
      ],
    },
  ];
  for (const row of rows) {
    it(`refuses ${row.title}`, () => {
      const issues = issuesOf(row.input);
      assert.equal(issues.length, row.issues.length, JSON.stringify(issues));
      row.issues.forEach(([path, pattern], i) => {
        assert.equal(issues[i][0], path);
        assert.match(issues[i][1], pattern);
      });
    });
  }
});

describe("update.canary normalization", () => {
  const rows: { title: string; input: ServiceInput; canary: unknown }[] = [
    { title: "no canary", input: base, canary: undefined },
    {
      title: "replicas, with defaults",
      input: { ...base, replicas: 4, update: { canary: { replicas: 2 } } },
      canary: { replicas: 2, pause: false, promote: false },
    },
    {
      title: "percent rounded up",
      input: { ...base, replicas: 10, update: { canary: { percent: 15 } } },
      canary: { replicas: 2, pause: false, promote: false },
    },
    {
      title: "percent of exactly a replica",
      input: { ...base, replicas: 10, update: { canary: { percent: 30 } } },
      canary: { replicas: 3, pause: false, promote: false },
    },
    {
      title: "a small percent of few replicas is still one replica",
      input: { ...base, replicas: 3, update: { canary: { percent: 1 } } },
      canary: { replicas: 1, pause: false, promote: false },
    },
    {
      title: "percent of autoscale.min when replicas is left out",
      input: { ...base, autoscale: { min: 4, max: 8 }, update: { canary: { percent: 50, pause: true } } },
      canary: { replicas: 2, pause: true, promote: false },
    },
    {
      title: "pause and promote",
      input: { ...base, update: { canary: { replicas: 1, pause: true, promote: true } } },
      canary: { replicas: 1, pause: true, promote: true },
    },
  ];
  for (const row of rows) {
    it(`normalizes ${row.title}`, () => {
      const update = normalizeService("web", row.input).update;
      assert.deepEqual(update.canary, row.canary);
      assert.equal("canary" in update, row.canary !== undefined);
    });
  }
});

describe("update.canary on each target", () => {
  const canaried = normalizeService("web", {
    ...base,
    replicas: 2,
    ports: [{ target: 80 }],
    update: { canary: { replicas: 1 } },
  });

  it("is refused by Swarm and ECS, naming the field", () => {
    for (const render of [() => renderSwarm(canaried), () => renderEcs(canaried)]) {
      assert.throws(render, (err: unknown) => {
        assert.ok(err instanceof SpecError);
        const issue = err.issues.find((i) => i.path === "update.canary");
        assert.match(issue?.message ?? "", /is not supported on (swarm|ecs); .*remove canary/);
        return true;
      });
    }
  });

  it("is dropped with a notice by Swarm when the service lists update as ignorable", () => {
    const ignorable = normalizeService("web", {
      ...base,
      update: { canary: { replicas: 1 } },
      ignoreUnsupported: ["update"],
    });
    const notices: string[] = [];
    renderSwarm(ignorable, { onIgnored: (i) => notices.push(i.path) });
    assert.deepEqual(notices, ["update.canary"]);
  });

  it("gives Kubernetes two Deployments whose selectors do not overlap, both behind the Service", async () => {
    const objects = renderKubernetes(canaried);
    const main = objects.find((o) => o.kind === "Deployment") as Deployment;
    const service = objects.find((o) => o.kind === "Service");
    const template = main.spec!.template;
    const candidate = {
      ...template,
      spec: { ...template.spec!, containers: [{ name: "web", image: "nginx:2" }] },
    };
    const stable = stableDeployment(main, template);
    const canary = canaryDeployment(stable, candidate, 1);

    assert.equal(canary.metadata?.name, "web-canary");
    assert.equal(canary.spec?.replicas, 1);
    assert.equal(canary.spec?.template.spec?.containers[0].image, "nginx:2");
    assert.equal(stable.spec?.template.spec?.containers[0].image, template.spec?.containers[0].image);
    const selectors = [stable, canary].map((d) => d.spec!.selector.matchLabels!);
    assert.equal(selectors[0][trackLabel], "stable");
    assert.equal(selectors[1][trackLabel], "canary");
    for (const d of [stable, canary]) {
      const labels = d.spec!.template.metadata!.labels!;
      // Each Deployment's pods match its own selector, and not the other's.
      for (const selector of selectors) {
        const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
        assert.equal(matches, selector === d.spec!.selector.matchLabels);
      }
      // The Service reaches both.
      const serviceSelector = (service as { spec: { selector: Record<string, string> } }).spec.selector;
      assert.ok(Object.entries(serviceSelector).every(([k, v]) => labels[k] === v));
    }
    assert.deepEqual(await kubernetesObjectProblems(stable), []);
    assert.deepEqual(await kubernetesObjectProblems(canary), []);
  });

  it("keeps an empty canary Deployment on the main template when no canary runs", () => {
    const main = renderKubernetes(canaried).find((o) => o.kind === "Deployment") as Deployment;
    const canary = canaryDeployment(main, undefined, 0);
    assert.equal(canary.spec?.replicas, 0);
    assert.deepEqual(canary.spec?.template.spec, main.spec?.template.spec);
    assert.equal(canary.spec?.template.metadata?.labels?.[trackLabel], "canary");
  });
});

describe("nextRelease", () => {
  const v1 = { spec: { containers: [{ name: "web", image: "app:1" }] } };
  const v2 = { spec: { containers: [{ name: "web", image: "app:2" }] } };
  const v3 = { spec: { containers: [{ name: "web", image: "app:3" }] } };
  const settings = { replicas: 1, pause: false, promote: false };

  it("follows a release from first deployment to promotion", () => {
    assert.deepEqual(nextRelease({}, v1, settings), { stable: v1, candidate: null });
    assert.deepEqual(nextRelease({ stable: v1, candidate: null }, v2, settings), {
      stable: v1,
      candidate: v2,
    });
    assert.deepEqual(nextRelease({ stable: v1, candidate: v2 }, v2, settings), {
      stable: v2,
      candidate: null,
    });
  });

  it("holds a paused canary, replaces it with a newer one, and drops it on a return to stable", () => {
    const paused = { ...settings, pause: true };
    assert.deepEqual(nextRelease({ stable: v1, candidate: v2 }, v2, paused), { stable: v1, candidate: v2 });
    assert.deepEqual(nextRelease({ stable: v1, candidate: v2 }, v3, settings), { stable: v1, candidate: v3 });
    assert.deepEqual(nextRelease({ stable: v1, candidate: v2 }, v1, settings), {
      stable: v1,
      candidate: null,
    });
  });

  it("promotes at once with promote, whatever the order of keys", () => {
    const promote = { ...settings, promote: true };
    assert.deepEqual(nextRelease({ stable: v1, candidate: null }, v2, promote), {
      stable: v2,
      candidate: null,
    });
    const reordered = { spec: { containers: [{ image: "app:1", name: "web" }] } };
    assert.deepEqual(nextRelease({ stable: v1, candidate: null }, reordered, settings), {
      stable: v1,
      candidate: null,
    });
  });
});
