import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PodSpec } from "kubernetes-types/core/v1";
import {
  normalizeService,
  renderKubernetes,
  renderSwarm,
  SpecError,
  type ServiceInput,
} from "../../components/spec";

interface Row {
  title: string;
  name?: string;
  input: Record<string, unknown>;
  /** Every issue expected: path and a pattern its message must match. */
  issues: [string, RegExp][];
}

const base = { image: "nginx:1.27" };
const rows: Row[] = [
  { title: "name with upper case", name: "Web", input: base, issues: [["name", /must be a DNS label/]] },
  {
    title: "name starting with a digit",
    name: "1web",
    input: base,
    issues: [["name", /starting with a letter/]],
  },
  { title: "name longer than 63", name: "a".repeat(64), input: base, issues: [["name", /1-63/]] },
  { title: "missing image", input: {}, issues: [["image", /is required/]] },
  {
    title: "image with upper case path",
    input: { image: "Team/App" },
    issues: [["image", /repository path must be lowercase/]],
  },
  { title: "image with a bad tag", input: { image: "nginx:-latest" }, issues: [["image", /tag "-latest"/]] },
  {
    title: "image with a bad digest",
    input: { image: "nginx@sha256:abc" },
    issues: [["image", /digest "sha256:abc"/]],
  },
  {
    title: "image with a bad registry host",
    input: { image: "reg-.example.com/app" },
    issues: [["image", /registry host "reg-.example.com"/]],
  },
  { title: "empty image", input: { image: "" }, issues: [["image", /must not be empty/]] },
  { title: "image of the wrong type", input: { image: 5 }, issues: [["image", /must be a string/]] },
  {
    title: "unknown top-level field with a suggestion",
    input: { ...base, replica: 2 },
    issues: [["replica", /unknown field; did you mean "replicas"\?/]],
  },
  {
    title: "unknown nested field with a suggestion",
    input: { ...base, ports: [{ target: 80, prot: "tcp" }] },
    issues: [["ports[0].prot", /did you mean "protocol"\?/]],
  },
  {
    title: "unknown field without a near name",
    input: { ...base, zzzqqq: 1 },
    issues: [["zzzqqq", /^unknown field$/]],
  },
  {
    title: "mode misspelt",
    input: { ...base, mode: "globl" },
    issues: [["mode", /"globl" is not one of .*did you mean "global"\?/]],
  },
  {
    title: "replicas negative",
    input: { ...base, replicas: -1 },
    issues: [["replicas", /must be at least 0/]],
  },
  {
    title: "replicas fractional",
    input: { ...base, replicas: 1.5 },
    issues: [["replicas", /must be an integer/]],
  },
  { title: "env name with =", input: { ...base, env: { "A=B": "x" } }, issues: [["env.A=B", /no '='/]] },
  {
    title: "env value not a string",
    input: { ...base, env: { A: 1 } },
    issues: [["env.A", /must be a string/]],
  },
  {
    title: "variable both plain and secret",
    input: { ...base, env: { K: "a" }, secretEnv: { K: "b" } },
    issues: [["secretEnv.K", /also set in env/]],
  },
  {
    title: "entrypoint empty",
    input: { ...base, entrypoint: [] },
    issues: [["entrypoint", /must not be empty/]],
  },
  {
    title: "command not a list",
    input: { ...base, command: "run" },
    issues: [["command", /must be a list/]],
  },
  {
    title: "port out of range",
    input: { ...base, ports: [{ target: 70000 }] },
    issues: [["ports[0].target", /at most 65535/]],
  },
  {
    title: "port without target",
    input: { ...base, ports: [{ published: 80 }] },
    issues: [["ports[0].target", /is required/]],
  },
  {
    title: "published port marked private",
    input: { ...base, ports: [{ target: 80, published: 8080, public: false }] },
    issues: [["ports[0].published", /a published port is public/]],
  },
  {
    title: "sourceRanges on a private port",
    input: { ...base, ports: [{ target: 80, sourceRanges: ["203.0.113.0/24"] }] },
    issues: [["ports[0].sourceRanges", /restricts the clients of a public port; set public: true/]],
  },
  {
    title: "sourceRanges empty",
    input: { ...base, ports: [{ target: 80, public: true, sourceRanges: [] }] },
    issues: [["ports[0].sourceRanges", /lists no block/]],
  },
  {
    title: "sourceRanges with a bad, a misaligned, a too long and a repeated block",
    input: {
      ...base,
      ports: [
        {
          target: 80,
          public: true,
          sourceRanges: ["10.0.0.1", "10.0.1.0/16", "10.0.0.0/33", "2001:db8::/129", "::1/128", "::1/128"],
        },
      ],
    },
    issues: [
      ["ports[0].sourceRanges[0]", /must be a CIDR block such as "203.0.113.0\/24"/],
      ["ports[0].sourceRanges[1]", /host bits set; did you mean "10.0.0.0\/16"\?/],
      ["ports[0].sourceRanges[2]", /IPv4 prefix is at most \/32/],
      ["ports[0].sourceRanges[3]", /IPv6 prefix is at most \/128/],
      ["ports[0].sourceRanges[5]", /listed twice/],
    ],
  },
  {
    title: "publishMode on a private port",
    input: { ...base, ports: [{ target: 80, publishMode: "host" }] },
    issues: [["ports[0].publishMode", /only public ports are published/]],
  },
  {
    title: "same target twice",
    input: { ...base, ports: [{ target: 80 }, { target: 80 }] },
    issues: [["ports[1].target", /80\/tcp is listed twice \(also ports\[0\]\)/]],
  },
  {
    title: "same published port twice",
    input: {
      ...base,
      ports: [
        { target: 80, published: 8080 },
        { target: 81, published: 8080 },
      ],
    },
    issues: [["ports[1].published", /8080\/tcp is already used by ports\[0\]/]],
  },
  {
    title: "HTTP routing on udp",
    input: { ...base, ports: [{ target: 53, protocol: "udp", public: true, http: {} }] },
    issues: [["ports[0].http", /needs a tcp port/]],
  },
  {
    title: "HTTP routing on a private port",
    input: { ...base, ports: [{ target: 80, http: { path: "/" } }] },
    issues: [["ports[0].http", /for public ports/]],
  },
  {
    title: "HTTP path without /",
    input: { ...base, ports: [{ target: 80, public: true, http: { path: "api" } }] },
    issues: [["ports[0].http.path", /must start with "\/"/]],
  },
  {
    title: "HTTP host not a DNS name",
    input: { ...base, ports: [{ target: 80, public: true, http: { host: "Bad_Host" } }] },
    issues: [["ports[0].http.host", /not a lowercase DNS name/]],
  },
  {
    title: "TLS without a host",
    input: { ...base, ports: [{ target: 443, public: true, http: { tls: true } }] },
    issues: [["ports[0].http.tls", /TLS needs http.host/]],
  },
  {
    title: "dnsrr with an ingress port",
    input: { ...base, endpointMode: "dnsrr", ports: [{ target: 80, published: 80 }] },
    issues: [["endpointMode", /dnsrr cannot be combined with ingress-published ports \(ports\[0\]\)/]],
  },
  {
    title: "global with replicas",
    input: { ...base, mode: "global", replicas: 2 },
    issues: [["replicas", /no meaning with mode "global"/]],
  },
  {
    title: "job with no completions",
    input: { ...base, mode: "job", replicas: 0 },
    issues: [["replicas", /at least 1 completion/]],
  },
  {
    title: "job with an update policy",
    input: { ...base, mode: "job", update: { parallelism: 2 } },
    issues: [["update", /no meaning with mode "job"/]],
  },
  {
    title: "job restarted on any exit",
    input: { ...base, mode: "job", restart: { condition: "any" } },
    issues: [["restart.condition", /never complete/]],
  },
  {
    title: "autoscale on a global service",
    input: { ...base, mode: "global", autoscale: { min: 1, max: 2 } },
    issues: [["autoscale", /only replicated services autoscale, not mode "global"/]],
  },
  {
    title: "autoscale max below min",
    input: { ...base, autoscale: { min: 3, max: 2 } },
    issues: [["autoscale.max", /at least autoscale.min \(3\)/]],
  },
  {
    title: "replicas outside the autoscale range",
    input: { ...base, replicas: 9, autoscale: { min: 1, max: 5 } },
    issues: [["replicas", /within autoscale.min..max \(1..5\)/]],
  },
  {
    title: "autoscale cpu target over 100",
    input: { ...base, autoscale: { min: 1, max: 2, cpuPercent: 150 } },
    issues: [["autoscale.cpuPercent", /at most 100/]],
  },
  {
    title: "autoscale request target of zero",
    input: { ...base, autoscale: { min: 1, max: 2, requestsPerTarget: 0 } },
    issues: [["autoscale.requestsPerTarget", /must be greater than 0/]],
  },
  {
    title: "autoscale request target negative",
    input: { ...base, autoscale: { min: 1, max: 2, requestsPerTarget: -5 } },
    issues: [["autoscale.requestsPerTarget", /must be greater than 0/]],
  },
  {
    title: "autoscale request target not a number",
    input: { ...base, autoscale: { min: 1, max: 2, requestsPerTarget: "1000" } },
    issues: [["autoscale.requestsPerTarget", /must be a number/]],
  },
  {
    title: "autoscale request target infinite",
    input: { ...base, autoscale: { min: 1, max: 2, requestsPerTarget: Infinity } },
    issues: [["autoscale.requestsPerTarget", /must be a number, not Infinity/]],
  },
  {
    title: "cpu not a quantity",
    input: { ...base, resources: { cpu: "two" } },
    issues: [["resources.cpu", /not a CPU amount/]],
  },
  {
    title: "memory in a unit Kubernetes does not know",
    input: { ...base, resources: { memory: "1gb" } },
    issues: [["resources.memory", /not a memory amount/]],
  },
  {
    title: "memory under Docker's minimum",
    input: { ...base, resources: { memory: "4Mi" } },
    issues: [["resources.memory", /at least 6Mi/]],
  },
  {
    title: "cpu reservation over the limit",
    input: { ...base, resources: { cpu: "500m", reservations: { cpu: 1 } } },
    issues: [["resources.reservations.cpu", /exceeds the CPU limit \(1000m > 500m\)/]],
  },
  {
    title: "memory reservation over the limit",
    input: { ...base, resources: { memory: "128Mi", reservations: { memory: "256Mi" } } },
    issues: [["resources.reservations.memory", /\(256Mi > 128Mi\)/]],
  },
  {
    title: "health check with no probe",
    input: { ...base, healthCheck: { interval: "5s" } },
    issues: [["healthCheck", /exactly one of command, http or tcp/]],
  },
  {
    title: "health check with two probes",
    input: { ...base, healthCheck: { command: "true", tcp: { port: 80 } } },
    issues: [["healthCheck", /found command and tcp/]],
  },
  {
    title: "health command with an unknown form",
    input: { ...base, healthCheck: { command: ["RUN", "x"] } },
    issues: [["healthCheck.command[0]", /"CMD", "CMD-SHELL" or "NONE"/]],
  },
  {
    title: "CMD without a program",
    input: { ...base, healthCheck: { command: ["CMD"] } },
    issues: [["healthCheck.command", /"CMD" needs the program/]],
  },
  {
    title: "CMD-SHELL with two scripts",
    input: { ...base, healthCheck: { command: ["CMD-SHELL", "a", "b"] } },
    issues: [["healthCheck.command", /exactly one script/]],
  },
  {
    title: "NONE with arguments",
    input: { ...base, healthCheck: { command: ["NONE", "x"] } },
    issues: [["healthCheck.command", /"NONE" takes no arguments/]],
  },
  {
    title: "empty health command",
    input: { ...base, healthCheck: { command: [] } },
    issues: [["healthCheck.command", /must not be empty/]],
  },
  {
    title: "http probe path without /",
    input: { ...base, healthCheck: { http: { path: "health", port: 80 } } },
    issues: [["healthCheck.http.path", /must start with "\/"/]],
  },
  {
    title: "bad health interval",
    input: { ...base, healthCheck: { command: "true", interval: "10 seconds" } },
    issues: [["healthCheck.interval", /not a duration/]],
  },
  {
    title: "zero health timeout",
    input: { ...base, healthCheck: { command: "true", timeout: 0 } },
    issues: [["healthCheck.timeout", /at least 1ms/]],
  },
  {
    title: "health retries zero",
    input: { ...base, healthCheck: { command: "true", retries: 0 } },
    issues: [["healthCheck.retries", /at least 1/]],
  },
  {
    title: "update delay not a duration",
    input: { ...base, update: { delay: "soon" } },
    issues: [["update.delay", /not a duration/]],
  },
  {
    title: "update failure ratio over 1",
    input: { ...base, update: { maxFailureRatio: 2 } },
    issues: [["update.maxFailureRatio", /at most 1/]],
  },
  {
    title: "update order misspelt",
    input: { ...base, update: { order: "start-frist" } },
    issues: [["update.order", /did you mean "start-first"\?/]],
  },
  {
    title: "restart window not a duration",
    input: { ...base, restart: { window: "x" } },
    issues: [["restart.window", /not a duration/]],
  },
  {
    title: "constraint without an operator",
    input: { ...base, placement: { constraints: ["node.role manager"] } },
    issues: [["placement.constraints[0]", /not a constraint/]],
  },
  {
    title: "constraint on an unknown attribute",
    input: { ...base, placement: { constraints: ["node.zone==a"] } },
    issues: [["placement.constraints[0]", /unknown attribute "node.zone"/]],
  },
  {
    title: "constraint on a role that does not exist",
    input: { ...base, placement: { constraints: ["node.role==leader"] } },
    issues: [["placement.constraints[0]", /"manager" or "worker", not "leader"/]],
  },
  {
    title: "spread over something that is not a label",
    input: { ...base, placement: { spread: "zone" } },
    issues: [["placement.spread", /node.labels.<name>/]],
  },
  {
    title: "maxPerNode on a global service",
    input: { ...base, mode: "global", placement: { maxPerNode: 1 } },
    issues: [["placement.maxPerNode", /no meaning with mode "global"/]],
  },
  {
    title: "volume with a relative target",
    input: { ...base, volumes: [{ type: "volume", source: "data", target: "data" }] },
    issues: [["volumes[0].target", /absolute path/]],
  },
  {
    title: "volume over /",
    input: { ...base, volumes: [{ type: "volume", source: "data", target: "/" }] },
    issues: [["volumes[0].target", /cannot mount over \//]],
  },
  {
    title: "tmpfs with a source",
    input: { ...base, volumes: [{ type: "tmpfs", source: "x", target: "/tmp" }] },
    issues: [["volumes[0].source", /takes no source/]],
  },
  {
    title: "bind with a relative source",
    input: { ...base, volumes: [{ type: "bind", source: "./data", target: "/data" }] },
    issues: [["volumes[0].source", /absolute host path/]],
  },
  {
    title: "bind without a source",
    input: { ...base, volumes: [{ type: "bind", target: "/data" }] },
    issues: [["volumes[0].source", /needs an absolute host path/]],
  },
  {
    title: "tmpfs options on a named volume",
    input: { ...base, volumes: [{ type: "volume", source: "d", target: "/d", tmpfs: { size: "1Mi" } }] },
    issues: [["volumes[0].tmpfs", /for type "tmpfs", not "volume"/]],
  },
  {
    title: "tmpfs size not a quantity",
    input: { ...base, volumes: [{ type: "tmpfs", target: "/t", tmpfs: { size: "lots" } }] },
    issues: [["volumes[0].tmpfs.size", /"lots" is not a size/]],
  },
  {
    title: "tmpfs mode over 07777",
    input: { ...base, volumes: [{ type: "tmpfs", target: "/t", tmpfs: { mode: 0o17777 } }] },
    issues: [["volumes[0].tmpfs.mode", /at most 4095/]],
  },
  {
    title: "secret owner not numeric",
    input: { ...base, secrets: [{ source: "s", uid: "www", gid: -1 }] },
    issues: [
      ["secrets[0].uid", /numeric id, not "www"/],
      ["secrets[0].gid", /numeric id, not -1/],
    ],
  },
  {
    title: "network entry without a name",
    input: { ...base, networks: [{ aliases: ["a"] }] },
    issues: [["networks[0]", /a network name or \{ name, aliases \}/]],
  },
  {
    title: "network alias that is not a DNS name",
    input: { ...base, networks: [{ name: "back", aliases: ["db", "my db"] }] },
    issues: [["networks[0].aliases[1]", /"my db" is not a DNS name/]],
  },
  {
    title: "network listed twice, once with aliases",
    input: { ...base, networks: ["back", { name: "back", aliases: ["db"] }] },
    issues: [["networks[1]", /listed twice/]],
  },
  {
    title: "health start interval not a duration",
    input: { ...base, healthCheck: { command: "true", startInterval: "soon" } },
    issues: [["healthCheck.startInterval", /"soon" is not a duration/]],
  },
  {
    title: "health start interval zero",
    input: { ...base, healthCheck: { command: "true", startInterval: 0 } },
    issues: [["healthCheck.startInterval", /at least 1ms/]],
  },
  {
    title: "pids limit zero",
    input: { ...base, resources: { pids: 0 } },
    issues: [["resources.pids", /at least 1/]],
  },
  {
    title: "generic resource count of zero",
    input: { ...base, resources: { reservations: { genericResources: { fpga: 0 } } } },
    issues: [["resources.reservations.genericResources.fpga", /at least 1/]],
  },
  {
    title: "generic resource kind starting with a dash",
    input: { ...base, resources: { reservations: { genericResources: { "-gpu": 1 } } } },
    issues: [["resources.reservations.genericResources.-gpu", /is not a resource kind/]],
  },
  {
    title: "stop signal misspelt",
    input: { ...base, stopSignal: "SIGKILLL" },
    issues: [["stopSignal", /"SIGKILLL" is not a signal; did you mean "SIGKILL"\?/]],
  },
  { title: "stop signal number 99", input: { ...base, stopSignal: "99" }, issues: [["stopSignal", /1-64/]] },
  {
    title: "host name with an underscore",
    input: { ...base, hostname: "web_1" },
    issues: [["hostname", /"web_1" is not a host name/]],
  },
  { title: "tty not a boolean", input: { ...base, tty: "yes" }, issues: [["tty", /must be a boolean/]] },
  {
    title: "sysctl without a namespace",
    input: { ...base, sysctls: { somaxconn: "1024", "net.core.rmem_max": " " } },
    issues: [
      ["sysctls.somaxconn", /not a kernel parameter name/],
      ["sysctls.net.core.rmem_max", /needs a value/],
    ],
  },
  {
    title: "ulimit misspelt, soft over hard, and a bad form",
    input: { ...base, ulimits: { nofiles: 1, nproc: { soft: 10, hard: 5 }, core: { soft: 1 } } },
    issues: [
      ["ulimits.nofiles", /did you mean "nofile"\?/],
      ["ulimits.nproc.soft", /must not exceed the hard limit \(5\)/],
      ["ulimits.core", /soft and hard are integers/],
    ],
  },
  {
    title: "dns server, search domain and option malformed",
    input: { ...base, dns: ["dns.example.com"], dnsSearch: ["-bad"], dnsOptions: ["ndots 2"] },
    issues: [
      ["dns[0]", /"dns.example.com" is not an IP address/],
      ["dnsSearch[0]", /"-bad" is not a domain name/],
      ["dnsOptions[0]", /not a resolver option/],
    ],
  },
  {
    title: "extra host with a bad name and one with a bad address",
    input: { ...base, extraHosts: { "db host": "10.0.0.1", cache: "10.0.0" } },
    issues: [
      ["extraHosts.db host", /is not a host name/],
      ["extraHosts.cache", /"10.0.0" is not an IP address \(or "host-gateway"\)/],
    ],
  },
  {
    title: "seccomp mode misspelt",
    input: { ...base, securityOpt: { seccomp: "unconfinde" } },
    issues: [["securityOpt.seccomp", /"default", "unconfined" or \{ profile \}/]],
  },
  {
    title: "seccomp profile that is not JSON",
    input: { ...base, securityOpt: { seccomp: { profile: "{not json" } } },
    issues: [["securityOpt.seccomp.profile", /a JSON object/]],
  },
  {
    title: "apparmor profile by name",
    input: { ...base, securityOpt: { appArmor: "docker-nginx" } },
    issues: [["securityOpt.appArmor", /is not one of "default", "unconfined"/]],
  },
  {
    title: "named volume with a bad name",
    input: { ...base, volumes: [{ type: "volume", source: "my data", target: "/data" }] },
    issues: [["volumes[0].source", /not a volume name/]],
  },
  {
    title: "volume type misspelt",
    input: { ...base, volumes: [{ type: "volumes", source: "d", target: "/d" }] },
    issues: [["volumes[0].type", /did you mean "volume"\?/]],
  },
  {
    title: "secret with a bad name",
    input: { ...base, secrets: [{ source: "-bad" }] },
    issues: [["secrets[0].source", /not a secret name/]],
  },
  {
    title: "config with a relative target",
    input: { ...base, configs: [{ source: "app", target: "etc/app" }] },
    issues: [["configs[0].target", /absolute path/]],
  },
  {
    title: "secret and volume on one path",
    input: { ...base, volumes: [{ type: "tmpfs", target: "/run/secrets/db" }], secrets: [{ source: "db" }] },
    issues: [["secrets[0].target", /\/run\/secrets\/db is already the target of volumes\[0\]/]],
  },
  {
    title: "config and secret on one path",
    input: {
      ...base,
      secrets: [{ source: "a", target: "/etc/x" }],
      configs: [{ source: "b", target: "/etc/x" }],
    },
    issues: [["configs[0].target", /already the target of secrets\[0\]/]],
  },
  {
    title: "file mode over 0777",
    input: { ...base, secrets: [{ source: "a", mode: 0o1000 }] },
    issues: [["secrets[0].mode", /at most 511/]],
  },
  {
    title: "network with a bad name",
    input: { ...base, networks: ["front end"] },
    issues: [["networks[0]", /not a network name/]],
  },
  {
    title: "network listed twice",
    input: { ...base, networks: ["front", "front"] },
    issues: [["networks[1]", /listed twice/]],
  },
  {
    title: "label with Berth's prefix",
    input: { ...base, labels: { "berth.stack": "x" } },
    issues: [["labels.berth.stack", /reserved for Berth/]],
  },
  {
    title: "user with spaces",
    input: { ...base, user: "web user" },
    issues: [["user", /user, uid, user:group or uid:gid/]],
  },
  {
    title: "relative working directory",
    input: { ...base, workingDir: "app" },
    issues: [["workingDir", /absolute path/]],
  },
  {
    title: "unknown capability with a suggestion",
    input: { ...base, capAdd: ["NET_ADMN"] },
    issues: [["capAdd[0]", /not a Linux capability; did you mean "NET_ADMIN"\?/]],
  },
  {
    title: "capability both added and dropped",
    input: { ...base, capAdd: ["CAP_CHOWN"], capDrop: ["chown"] },
    issues: [["capDrop[0]", /CHOWN is also in capAdd/]],
  },
  {
    title: "stop grace period not a duration",
    input: { ...base, stopGracePeriod: "a while" },
    issues: [["stopGracePeriod", /not a duration/]],
  },
  {
    title: "log driver with spaces",
    input: { ...base, logging: { driver: "json file" } },
    issues: [["logging.driver", /not a log driver name/]],
  },
  {
    title: "logging without a driver",
    input: { ...base, logging: {} },
    issues: [["logging.driver", /is required/]],
  },
  {
    title: "ignoreUnsupported naming no field",
    input: { ...base, ignoreUnsupported: ["autoscal"] },
    issues: [["ignoreUnsupported[0]", /did you mean "autoscale"\?/]],
  },
  {
    title: "replicas Infinity",
    input: { ...base, replicas: Infinity },
    issues: [["replicas", /must be an integer, not Infinity/]],
  },
  { title: "replicas NaN", input: { ...base, replicas: NaN }, issues: [["replicas", /not NaN/]] },
  {
    title: "replicas beyond Kubernetes' int32",
    input: { ...base, replicas: 1e308 },
    issues: [["replicas", /at most 2147483647/]],
  },
  {
    title: "update parallelism, restart attempts and health retries beyond int32",
    input: {
      ...base,
      update: { parallelism: 2 ** 31 },
      restart: { maxAttempts: 1e308 },
      healthCheck: { command: "true", retries: 2 ** 40 },
    },
    issues: [
      ["update.parallelism", /at most 2147483647/],
      ["restart.maxAttempts", /at most 2147483647/],
      ["healthCheck.retries", /at most 2147483647/],
    ],
  },
  {
    title: "pids beyond what a number holds exactly",
    input: { ...base, resources: { pids: 1e308 } },
    issues: [["resources.pids", /at most 9007199254740991/]],
  },
  {
    title: "ulimit beyond what a number holds exactly",
    input: { ...base, ulimits: { nofile: 1e308, nproc: { soft: 1, hard: Infinity } } },
    issues: [
      ["ulimits.nofile", /integers up to 9007199254740991/],
      ["ulimits.nproc", /must be an integer or an object, not Infinity|integers up to/],
    ],
  },
  {
    title: "durations beyond int64 nanoseconds and int32 seconds",
    input: {
      ...base,
      stopGracePeriod: "99999999999999999999h",
      update: { delay: 1e308 },
      restart: { window: `${"9".repeat(400)}s` },
      healthCheck: { command: "true", interval: Infinity },
    },
    issues: [
      ["stopGracePeriod", /at most 2147483647 seconds/],
      ["update.delay", /at most 2147483647 seconds/],
      ["restart.window", /at most 2147483647 seconds/],
      ["healthCheck.interval", /must be a string or a number, not Infinity/],
    ],
  },
  {
    title: "CPU, memory and tmpfs sizes beyond their ranges",
    input: {
      ...base,
      resources: { cpu: 1e300, memory: "99999999Pi", reservations: { memory: 1e308 } },
      volumes: [{ type: "tmpfs", target: "/tmp", tmpfs: { size: "9999999Pi" } }],
    },
    issues: [
      ["resources.cpu", /at most 1000000 cores/],
      ["resources.memory", /at most 9007199254740991 bytes/],
      ["resources.reservations.memory", /at most 9007199254740991 bytes/],
      ["volumes[0].tmpfs.size", /at most 9007199254740991 bytes/],
    ],
  },
  {
    title: "a secret's owner beyond a Linux id",
    input: { ...base, secrets: [{ source: "key", uid: "99999999999", gid: 2 ** 40 }] },
    issues: [
      ["secrets[0].uid", /at most 4294967295/],
      ["secrets[0].gid", /at most 4294967295/],
    ],
  },
  {
    title: "a failure ratio that is not a number",
    input: { ...base, update: { maxFailureRatio: NaN } },
    issues: [["update.maxFailureRatio", /must be a number, not NaN/]],
  },
  {
    title: "a __proto__ key, which would be dropped on the way",
    input: { ...base, env: JSON.parse('{"__proto__": "x", "A": "b"}') as Record<string, string> },
    issues: [["env.__proto__", /__proto__ is not accepted/]],
  },
  {
    title: "a field with an empty name",
    input: { ...base, "": 1 },
    issues: [['[""]', /unknown field/]],
  },
  {
    title: "input that is not an object",
    input: null as unknown as Record<string, unknown>,
    issues: [["(service)", /must be an object/]],
  },
];

function issuesOf(name: string, input: unknown): { path: string; message: string }[] {
  try {
    normalizeService(name, input as ServiceInput);
  } catch (err) {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail("normalizeService accepted a bad input");
}

describe("normalizeService refuses bad input", () => {
  it("has a row for at least 60 problems", () => assert.ok(rows.length >= 60, String(rows.length)));

  for (const row of rows) {
    it(row.title, () => {
      const issues = issuesOf(row.name ?? "web", row.input);
      assert.deepEqual(
        issues.map((i) => i.path).sort(),
        row.issues.map(([path]) => path).sort(),
        JSON.stringify(issues),
      );
      for (const [path, pattern] of row.issues) {
        const found = issues.find((i) => i.path === path);
        assert.match(found?.message ?? "", pattern);
      }
    });
  }

  it("lists every problem of one input at once", () => {
    const issues = issuesOf("Web", {
      image: "Bad/Image",
      replica: 3,
      ports: [{ target: 0 }],
      resources: { memory: "lots" },
      healthCheck: { command: ["RUN"] },
      capAdd: ["FLY"],
      workingDir: "rel",
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "capAdd[0]",
      "healthCheck.command[0]",
      "image",
      "name",
      "ports[0].target",
      "replica",
      "resources.memory",
      "workingDir",
    ]);
  });

  it("accepts numbers at their bounds, and every target renders them as numbers", () => {
    const n = normalizeService("web", {
      ...base,
      replicas: 2 ** 31 - 1,
      stopGracePeriod: 2 ** 31 - 1,
      update: { parallelism: 2 ** 31 - 1, monitor: "596523h14m7s" },
      healthCheck: { command: "true", retries: 2 ** 31 - 1, startPeriod: 2 ** 31 - 1 },
    });
    assert.equal(n.replicas, 2 ** 31 - 1);
    assert.equal(n.stopGracePeriod, (2 ** 31 - 1) * 1000);
    assert.equal(n.update.monitor, (2 ** 31 - 1) * 1000);
    const swarm = JSON.stringify(renderSwarm(n));
    assert.match(swarm, /"Replicas":2147483647/);
    assert.match(swarm, /"StopGracePeriod":2147483647000000000/);
    const kubernetes = renderKubernetes(n);
    const deployment = kubernetes.find((o) => o.kind === "Deployment");
    const probe = (deployment as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec
      .containers[0];
    assert.equal(probe.startupProbe?.failureThreshold, 2 ** 31 - 1, "capped at int32");
    assert.ok(!/null|NaN|Infinity/.test(JSON.stringify(kubernetes)));
  });

  it("keeps a request target and adds no default CPU target beside it", () => {
    const n = normalizeService("web", { ...base, autoscale: { min: 1, max: 4, requestsPerTarget: 1000 } });
    assert.deepEqual(n.autoscale, { min: 1, max: 4, requestsPerTarget: 1000 });
  });

  it("names the service and each path in the error message", () => {
    assert.throws(
      () => normalizeService("api", { image: "nginx", replicas: -1, workingDir: "x" } as ServiceInput),
      (err: Error) =>
        /^service api: 2 problems\n/.test(err.message) &&
        /\n {2}replicas: must be at least 0/.test(err.message) &&
        /\n {2}workingDir: must be an absolute path/.test(err.message),
    );
  });
});
