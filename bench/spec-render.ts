/**
 * Time to normalize and render a generated set of services for each target. There is no speed goal
 * for this yet (and so no anchor): it prints the time per service, to spot regressions.
 */
import {
  normalizeService,
  renderEcs,
  renderKubernetes,
  renderSwarm,
  type ServiceInput,
} from "../components/spec";
import { printPerService, timed } from "./timing";

function generated(count: number): [string, ServiceInput][] {
  return Array.from({ length: count }, (_, i) => [
    `svc-${i}`,
    {
      image: `registry.example.com:5000/team/app-${i}:1.${i}`,
      env: { INDEX: String(i), MODE: "bench" },
      ports: [{ target: 8080 }, ...(i % 3 === 0 ? [{ target: 80, published: 10000 + i }] : [])],
      replicas: 1 + (i % 4),
      resources: { cpu: "250m", memory: "256Mi", reservations: { cpu: "100m", memory: "128Mi" } },
      healthCheck: { http: { path: "/health", port: 8080 }, interval: "15s" },
      update: { parallelism: 1, order: i % 2 === 0 ? "start-first" : "stop-first" },
      labels: { tier: i % 2 === 0 ? "front" : "back" },
    },
  ]);
}

export function benchSpecRendering(): void {
  const services = generated(300);
  const rounds = 5;
  const samples: Record<string, number[]> = { normalize: [], swarm: [], kubernetes: [], ecs: [] };
  for (let round = 0; round < rounds; round++) {
    const { value: normalized, ms } = timed(() =>
      services.map(([name, input]) => normalizeService(name, input)),
    );
    samples.normalize.push(ms);
    samples.swarm.push(timed(() => normalized.forEach((n) => renderSwarm(n))).ms);
    samples.kubernetes.push(timed(() => normalized.forEach((n) => renderKubernetes(n))).ms);
    samples.ecs.push(timed(() => normalized.forEach((n) => renderEcs(n))).ms);
  }
  for (const [step, times] of Object.entries(samples))
    printPerService(`spec-${step}`, services.length, times);
}
