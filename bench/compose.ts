/**
 * Time to load a generated 300-service Compose project (parse, interpolate, validate, expand, merge an
 * override file) and map it to normalized Berth services. No anchor exists for this: it prints the
 * time and the time per service, to spot regressions.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { loadCompose, toServiceSpecs } from "../components/compose";
import { printPerService, timed } from "./timing";

const count = 300;

function generatedFile(): string {
  const services = Array.from(
    { length: count },
    (_, i) => `  svc-${i}:
    <<: *defaults
    image: "registry.example.com:5000/team/app-${i}:\${TAG:-1.${i}}"
    command: sh -c "serve --port 8080 --index ${i}"
    environment: [INDEX=${i}, "REGION=\${REGION}"]
    ports: ["${10000 + i}:8080"]
    volumes: ["data-${i % 10}:/data", "./conf/${i}:/etc/app:ro"]
    depends_on: [${i === 0 ? "" : `svc-${i - 1}`}]
    networks: [back]
    secrets: [token]
`,
  ).join("");
  const volumes = Array.from({ length: 10 }, (_, i) => `  data-${i}: {}\n`).join("");
  return `x-defaults: &defaults
  healthcheck:
    test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"]
    interval: 15s
  deploy:
    replicas: 2
    resources: { limits: { cpus: "0.25", memory: 256M } }
    update_config: { parallelism: 1, order: start-first, failure_action: rollback }
services:
${services}networks:
  back: {}
volumes:
${volumes}secrets:
  token: { file: ./token.txt }
`;
}

export function benchComposeLoading(): void {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-compose-"));
  try {
    writeFileSync(join(dir, "compose.yaml"), generatedFile());
    writeFileSync(
      join(dir, "compose.override.yaml"),
      'services:\n  svc-0:\n    environment: { DEBUG: "1" }\n',
    );
    const env = { REGION: "eu", HOME: "/root" };
    const load = () => loadCompose({ workingDir: dir, env });
    load();
    const loading: number[] = [];
    const mapping: number[] = [];
    for (let round = 0; round < 5; round++) {
      const { value: project, ms } = timed(load);
      loading.push(ms);
      mapping.push(timed(() => toServiceSpecs(project)).ms);
    }
    printPerService("compose-load", count, loading);
    printPerService("compose-to-spec", count, mapping);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
