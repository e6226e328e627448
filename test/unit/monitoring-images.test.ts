import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { monitoringImages } from "../../components/observability/images";

/** `[registry/]repository:tag@sha256:<64 hex>`, as Docker's reference grammar spells a pinned image. */
const pinned =
  /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:\w[\w.-]{0,127}@sha256:[0-9a-f]{64}$/;

const repositoryAndTag = (reference: string) => {
  const [name] = reference.split("@");
  const colon = name.lastIndexOf(":");
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
};

describe("monitoringImages", () => {
  it("pins every image by tag and digest", () => {
    for (const [part, reference] of Object.entries(monitoringImages))
      assert.match(reference, pinned, `${part}: ${reference}`);
  });

  it("runs, for each part, its project's image at a release Berth's configuration is written for", () => {
    const expected: Record<keyof typeof monitoringImages, [string, RegExp]> = {
      prometheus: ["prom/prometheus", /^v3\.\d+\.\d+$/],
      alertmanager: ["prom/alertmanager", /^v0\.(?:2[89]|[3-9]\d)\.\d+$/],
      nodeExporter: ["prom/node-exporter", /^v1\.(?:[89]|[1-9]\d)\.\d+$/],
      cadvisor: ["ghcr.io/google/cadvisor", /^v0\.(?:5[7-9]|[6-9]\d)\.\d+$/],
      grafana: ["grafana/grafana", /^1[12]\.\d+\.\d+$/],
    };
    assert.deepEqual(Object.keys(monitoringImages).sort(), Object.keys(expected).sort());
    for (const [part, [repository, tag]] of Object.entries(expected)) {
      const image = repositoryAndTag(monitoringImages[part as keyof typeof monitoringImages]);
      assert.equal(image.repository, repository, part);
      assert.match(image.tag, tag, part);
    }
  });
});
