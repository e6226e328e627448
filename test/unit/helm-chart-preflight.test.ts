/**
 * The Helm chart preflight on charts written by the tests: packaged and as directories, with and
 * without hooks, `lookup`, random generators, CRDs and a values schema.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "fs";
import { readChartArchive, readChartFiles } from "../../components/kubernetes/helm-chart-files";
import { chartPreflight, templateHazards } from "../../components/kubernetes/helm-chart-preflight";
import { mergeHelmValues, valuesSchemaIssues } from "../../components/kubernetes/helm-values-schema";
import {
  chartsDir,
  chartYaml,
  defaultValues,
  hookJob,
  lookupSecret,
  packageChart,
  plainDeployment,
  randomSecret,
  valuesSchema,
  widgetCrd,
  writeChartArchive,
  writeChartDir,
} from "../support/helm-charts";

const longName = `templates/${"nested-folder/".repeat(8)}config.yaml`;

describe("reading a packaged chart", () => {
  it("reads every file under the chart's folder, long names and subcharts included", () => {
    const sub = packageChart("redis", {
      "Chart.yaml": chartYaml("redis", "2.0.0"),
      "templates/secret.yaml": randomSecret,
    });
    const files = readChartArchive(
      packageChart("app", {
        "Chart.yaml": chartYaml("app", "1.2.3"),
        "templates/deployment.yaml": plainDeployment,
        [longName]: "kind: ConfigMap\n",
        "charts/redis-2.0.0.tgz": sub,
      }),
    );
    assert.deepEqual(
      [...files.keys()].sort(),
      [
        "Chart.yaml",
        "charts/redis-2.0.0/Chart.yaml",
        "charts/redis-2.0.0/templates/secret.yaml",
        longName,
        "templates/deployment.yaml",
      ].sort(),
    );
    assert.equal(files.get("templates/deployment.yaml"), plainDeployment);
    assert.equal(files.get(longName), "kind: ConfigMap\n");
  });

  it("reads a directory and a .tgz of the same chart alike", () => {
    const dir = chartsDir();
    const chart = {
      "Chart.yaml": chartYaml("app", "1.2.3"),
      "templates/job.yaml": hookJob,
      "crds/widgets.yaml": widgetCrd("1.2.3"),
    };
    const fromDir = readChartFiles(writeChartDir(dir, "app", chart));
    const fromTgz = readChartFiles(writeChartArchive(dir, "app", "1.2.3", chart));
    assert.deepEqual(Object.fromEntries(fromDir), chart);
    assert.deepEqual(Object.fromEntries(fromTgz), chart);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("the chart preflight", () => {
  it("names each template with a hook, lookup or random generator, and passes a plain one", () => {
    const sub = packageChart("redis", {
      "Chart.yaml": chartYaml("redis", "2.0.0"),
      "templates/secret.yaml": randomSecret,
    });
    const preflight = chartPreflight(
      readChartArchive(
        packageChart("app", {
          "Chart.yaml": chartYaml("app", "1.2.3"),
          "templates/deployment.yaml": plainDeployment,
          "templates/job.yaml": hookJob,
          "templates/secret.yaml": lookupSecret,
          "charts/redis.tgz": sub,
        }),
      ),
    );
    assert.equal(preflight.name, "app");
    assert.equal(preflight.version, "1.2.3");
    assert.deepEqual(
      preflight.hazards.map((h) => h.file),
      ["charts/redis/templates/secret.yaml", "templates/job.yaml", "templates/secret.yaml"],
    );
    const reasons = Object.fromEntries(preflight.hazards.map((h) => [h.file, h.reason]));
    assert.match(reasons["templates/job.yaml"], /helm\.sh\/hook/);
    assert.match(reasons["templates/secret.yaml"], /lookup/);
    assert.match(reasons["charts/redis/templates/secret.yaml"], /randAlphaNum/);
    assert.doesNotMatch(reasons["charts/redis/templates/secret.yaml"], /uuidv4/, "comments are not calls");
  });

  it("finds each random generator as a call, not as a value's name", () => {
    for (const fn of [
      "randAlpha",
      "randNumeric",
      "randAscii",
      "uuidv4",
      "genPrivateKey",
      "genCA",
      "genSelfSignedCert",
      "genSignedCert",
    ]) {
      const hazards = templateHazards("templates/x.yaml", `key: {{ ${fn} 16 }}\n`);
      assert.equal(hazards.length, 1, fn);
      assert.match(hazards[0].reason, new RegExp(`calls ${fn}\\b`));
    }
    assert.deepEqual(
      templateHazards("templates/x.yaml", "a: {{ .Values.randAlphaNum }}\nb: {{ $lookup }}\n"),
      [],
    );
    assert.deepEqual(templateHazards("templates/x.yaml", "# helm.sh/hook-weight: 1\nkind: Job\n"), []);
  });

  it("reads the CRDs, the schema and the chart's defaults", () => {
    const preflight = chartPreflight(
      new Map(
        Object.entries({
          "Chart.yaml": chartYaml("app", "1.2.3"),
          "crds/widgets.yaml": widgetCrd("1.2.3"),
          "values.yaml": defaultValues,
          "values.schema.json": valuesSchema,
        }),
      ),
    );
    assert.deepEqual(
      preflight.crds.map((c) => c.file),
      ["crds/widgets.yaml"],
    );
    assert.deepEqual(
      preflight.crds[0].objects.map((o) => (o.metadata as { name: string }).name),
      ["widgets.example.com", "gadgets.example.com"],
    );
    assert.deepEqual(preflight.valuesSchema, JSON.parse(valuesSchema));
    assert.deepEqual(preflight.defaultValues, { replicas: 1, image: { repository: "nginx", tag: "1.27" } });
  });

  it("refuses a chart without Chart.yaml and a schema that is not JSON, naming the file", () => {
    assert.throws(() => chartPreflight(new Map([["templates/a.yaml", ""]])), /Chart\.yaml/);
    assert.throws(
      () =>
        chartPreflight(
          new Map([
            ["Chart.yaml", chartYaml("a", "1.0.0")],
            ["values.schema.json", "{"],
          ]),
        ),
      /values\.schema\.json is not JSON/,
    );
  });
});

describe("values against values.schema.json", () => {
  const schema = JSON.parse(valuesSchema) as Record<string, unknown>;
  const defaults = { replicas: 1, image: { repository: "nginx", tag: "1.27" } };

  it("lists every problem at its path, the chart's defaults filling what is not given", () => {
    const issues = valuesSchemaIssues(schema, defaults, {
      replicas: 0,
      image: { tag: null, pullPolicy: "Sometimes" },
      extra: true,
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "values.extra",
      "values.image.pullPolicy",
      "values.image.tag",
      "values.replicas",
    ]);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    assert.match(byPath["values.replicas"], />= 1/);
    assert.match(byPath["values.image.tag"], /required/);
    assert.match(byPath["values.image.pullPolicy"], /Always/);
    assert.match(byPath["values.extra"], /not allowed/);
  });

  it("accepts values that fit, and never quotes a value in a message", () => {
    assert.deepEqual(
      valuesSchemaIssues(schema, defaults, { replicas: 3, image: { pullPolicy: "Always" } }),
      [],
    );
    const issues = valuesSchemaIssues(schema, defaults, { password: "s3cr" });
    assert.deepEqual(
      issues.map((i) => i.path),
      ["values.password"],
    );
    assert.doesNotMatch(issues[0].message, /s3cr/);
  });

  it("merges as Helm does: maps key by key, null removes a default", () => {
    assert.deepEqual(mergeHelmValues({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3, b: null }, d: [2] }), {
      a: { c: 3 },
      d: [2],
    });
  });

  it("reads a 2020-12 schema", () => {
    const issues = valuesSchemaIssues(
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { n: { type: "integer" } },
      },
      {},
      { n: "x" },
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ["values.n"],
    );
  });
});
