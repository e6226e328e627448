/**
 * renderKubernetes with a tenant's placement: Pod Security `restricted` (what containers get, what is
 * refused, and that `ignoreUnsupported` cannot silence it), the node pool's selector beside the
 * platform's, and NetworkPolicy peers by namespace.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import { normalizeService, type ServiceInput, SpecError } from "../../components/spec";
import { type KubernetesRenderOptions, renderKubernetes } from "../../components/spec/render/kubernetes";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

function render(input: Omit<ServiceInput, "image">, options: KubernetesRenderOptions = {}) {
  return renderKubernetes(normalizeService("svc", { image: "a:1", ...input }), options);
}
const deploymentOf = (objects: ReturnType<typeof render>) =>
  objects.find((o) => o.kind === "Deployment") as Deployment;
const containerOf = (objects: ReturnType<typeof render>) =>
  deploymentOf(objects).spec!.template.spec!.containers[0];

function refusalOf(input: Omit<ServiceInput, "image">, options: KubernetesRenderOptions): SpecError {
  try {
    render(input, options);
  } catch (err) {
    assert.ok(err instanceof SpecError, String(err));
    return err;
  }
  return assert.fail("the service should have been refused");
}

describe("renderKubernetes for a tenant's namespace", () => {
  it("makes containers run as non-root with every capability dropped, NET_BIND_SERVICE added back when asked", async () => {
    const objects = render(
      { capAdd: ["NET_BIND_SERVICE"], capDrop: ["MKNOD"], ports: [{ target: 80 }] },
      { podSecurity: "restricted" },
    );
    const security = containerOf(objects).securityContext!;
    assert.equal(security.runAsNonRoot, true);
    assert.equal(security.allowPrivilegeEscalation, false);
    assert.deepEqual(security.seccompProfile, { type: "RuntimeDefault" });
    assert.deepEqual(security.capabilities, { add: ["NET_BIND_SERVICE"], drop: ["ALL"] });
    await assertValidKubernetesObjects(objects);
    assert.deepEqual(containerOf(render({ capDrop: ["MKNOD"] })).securityContext!.capabilities, {
      drop: ["MKNOD"],
    });
  });

  it("admits what restricted allows: a numeric user, named volumes, tmpfs, safe sysctls, load-balanced ports", () => {
    const objects = render(
      {
        user: "1000:1000",
        volumes: [
          { type: "volume", source: "data", target: "/data" },
          { type: "tmpfs", target: "/tmp" },
        ],
        sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
        ports: [{ target: 8080, published: 80 }],
      },
      { podSecurity: "restricted" },
    );
    assert.equal(containerOf(objects).securityContext!.runAsUser, 1000);
  });

  it("refuses every field restricted forbids, even those listed in ignoreUnsupported", () => {
    const err = refusalOf(
      {
        user: "0:0",
        capAdd: ["SYS_ADMIN"],
        volumes: [{ type: "bind", source: "/etc", target: "/host-etc" }],
        securityOpt: { seccomp: "unconfined", appArmor: "unconfined" },
        sysctls: { "kernel.msgmax": "65536" },
        ignoreUnsupported: ["capAdd", "volumes", "securityOpt", "sysctls", "user"],
      },
      { podSecurity: "restricted" },
    );
    assert.deepEqual(err.issues.map((i) => i.path).sort(), [
      "capAdd[0]",
      "securityOpt.appArmor",
      "securityOpt.seccomp",
      "sysctls.kernel.msgmax",
      "user",
      "volumes[0]",
    ]);
    for (const issue of err.issues) assert.match(issue.message, /Pod Security restricted/, issue.path);
  });

  it("puts pods on the node pool beside the platform's architecture", () => {
    const objects = render({ platform: "linux/arm64" }, { nodeSelector: { "berth.tenant-pool": "blue" } });
    assert.deepEqual(deploymentOf(objects).spec!.template.spec!.nodeSelector, {
      "kubernetes.io/arch": "arm64",
      "berth.tenant-pool": "blue",
    });
    assert.equal(deploymentOf(render({})).spec!.template.spec!.nodeSelector, undefined);
  });

  it("admits the pods of the given namespaces to the declared ports instead of the stack's", async () => {
    const objects = render(
      { ports: [{ target: 8080 }] },
      { partOf: "shop-prod", peerNamespaces: ["payments", "payments-batch"] },
    );
    const policy = objects.find((o) => o.kind === "NetworkPolicy") as NetworkPolicy;
    assert.deepEqual(policy.spec!.ingress, [
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [
                {
                  key: "kubernetes.io/metadata.name",
                  operator: "In",
                  values: ["payments", "payments-batch"],
                },
              ],
            },
          },
        ],
        ports: [{ port: 8080, protocol: "TCP" }],
      },
    ]);
    await assertValidKubernetesObjects(objects);
  });
});
