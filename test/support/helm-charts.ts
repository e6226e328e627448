/**
 * Helm chart fixtures written in the tests: a chart's files as a directory, or packaged as `helm
 * package` does (a gzip-compressed tar with every file under `<chart name>/`).
 */
import fs from "fs";
import os from "os";
import path from "path";
import zlib from "zlib";

/** A chart's files by their path inside the chart. */
export type ChartFixture = Record<string, string | Buffer>;

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  const put = (text: string, at: number, length: number) => block.write(text, at, length, "utf8");
  if (Buffer.byteLength(name) > 100) {
    // ustar: the folder in the prefix field, the file name in the name field.
    const cut = name.lastIndexOf("/", 155);
    put(name.slice(cut + 1), 0, 100);
    put(name.slice(0, cut), 345, 155);
  } else put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
  put("00000000000\0", 136, 12);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  block.fill(" ", 148, 156);
  const sum = block.reduce((acc, b) => acc + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return block;
}

/** A tar stream of `files` (name to content). */
export function tarOf(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    parts.push(header(name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** `files` packaged as chart `name`: a gzip-compressed tar with each file under `<name>/`. */
export function packageChart(name: string, files: ChartFixture): Buffer {
  const entries = Object.fromEntries(Object.entries(files).map(([f, c]) => [`${name}/${f}`, c]));
  return zlib.gzipSync(tarOf(entries));
}

/** A fresh temporary directory for a test's charts. */
export const chartsDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "berth-charts-"));

/** Writes `files` as a chart directory `<dir>/<name>` and returns its path. */
export function writeChartDir(dir: string, name: string, files: ChartFixture): string {
  const root = path.join(dir, name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** Writes `files` packaged as `<dir>/<name>-<version>.tgz` and returns its path. */
export function writeChartArchive(dir: string, name: string, version: string, files: ChartFixture): string {
  const file = path.join(dir, `${name}-${version}.tgz`);
  fs.writeFileSync(file, packageChart(name, files));
  return file;
}

/** `Chart.yaml` of chart `name` at `version`. */
export const chartYaml = (name: string, version: string): string =>
  `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0"\n`;

/** A Deployment template with no hook, `lookup` or random value. */
export const plainDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app: {{ .Values.lookup | default "web" }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;

/** A Job that runs as a `pre-install` hook. */
export const hookJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-delete-policy": hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox
`;

/** A Secret that keeps its password across upgrades by reading the cluster with `lookup`. */
export const lookupSecret = `{{- $existing := (lookup "v1" "Secret" .Release.Namespace "db") }}
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: {{ $existing.data.password | default ("fixed" | b64enc) }}
`;

/** A Secret whose password `randAlphaNum` makes anew on every render. */
export const randomSecret = `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-auth
stringData:
  password: {{ randAlphaNum 24 | quote }}
  {{- /* uuidv4 here is only a comment */}}
`;

/** A CustomResourceDefinition for `widgets.example.com` at `version`. */
export const widgetCrd = (version: string): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels:
    chart-version: "${version}"
spec:
  group: example.com
  names: { kind: Widget, plural: widgets, singular: widget }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names: { kind: Gadget, plural: gadgets }
  scope: Cluster
  versions:
    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }
`;

/** A `values.schema.json`: `replicas` a whole number from 1, `image.repository` required, `image.pullPolicy` an enum, nothing else at the top. */
export const valuesSchema = JSON.stringify({
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  required: ["image", "replicas"],
  properties: {
    replicas: { type: "integer", minimum: 1 },
    lookup: { type: "string" },
    password: { type: "string", minLength: 8 },
    image: {
      type: "object",
      required: ["repository", "tag"],
      properties: {
        repository: { type: "string" },
        tag: { type: "string" },
        pullPolicy: { enum: ["Always", "IfNotPresent", "Never"] },
      },
    },
  },
});

/** The chart's own `values.yaml` for {@link plainDeployment}. */
export const defaultValues = `replicas: 1\nimage:\n  repository: nginx\n  tag: "1.27"\n`;
