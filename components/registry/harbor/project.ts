import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import { projectDefaults, projectProvider, type Severity } from "../../../provider/harbor/project";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

/** Arguments of {@link HarborProject}. */
export interface HarborProjectArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /**
   * The project's name (lower case; Harbor cannot rename a project, so a new name replaces it).
   * @default the resource name
   */
  name?: pulumi.Input<string>;
  /**
   * Anyone may pull without logging in.
   * @default false
   */
  public?: pulumi.Input<boolean>;
  /**
   * Scan images for vulnerabilities on push.
   * @default false
   */
  autoScan?: pulumi.Input<boolean>;
  /**
   * Refuse pulls of images with vulnerabilities at or above `severity`.
   * @default false
   */
  preventVulnerable?: pulumi.Input<boolean>;
  /**
   * The severity `preventVulnerable` blocks from.
   * @default "low"
   */
  severity?: pulumi.Input<Severity>;
  /**
   * Use the system's CVE allowlist instead of the project's own.
   * @default true
   */
  reuseSystemCveAllowlist?: pulumi.Input<boolean>;
  /**
   * The project's own CVE allowlist (CVE IDs).
   * @default none
   */
  cveAllowlist?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Storage quota in bytes; -1 is unlimited. Set through Harbor's /quotas.
   * @default -1
   */
  storageLimitBytes?: pulumi.Input<number>;
}

/**
 * A Harbor project. Refresh reports every change made in Harbor to its visibility, metadata,
 * allowlist and quota, and `up` puts them back. Harbor has no labels, so the project ID in state is
 * what makes it this resource's: create refuses a name that already exists (Harbor's 409), and
 * delete fails with Harbor's 412 while the project still holds repositories. Import with
 * `pulumi import pulumi-nodejs:dynamic/berth/harbor:HarborProject <name> <project ID>`, with
 * HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD set.
 */
export class HarborProject extends pulumi.dynamic.Resource {
  /** The project's name. */
  declare readonly name: pulumi.Output<string>;
  /** Harbor's ID of the project. */
  declare readonly projectId: pulumi.Output<number>;
  /** Whether anyone may pull from the project. */
  declare readonly public: pulumi.Output<boolean>;
  /** The project's storage quota in bytes (-1: unlimited). */
  declare readonly storageLimitBytes: pulumi.Output<number>;

  constructor(name: string, args: HarborProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:project", projectProvider),
      name,
      {
        connection: secretConnection(args.connection),
        name: args.name ?? name,
        public: args.public ?? projectDefaults.public,
        autoScan: args.autoScan ?? projectDefaults.autoScan,
        preventVulnerable: args.preventVulnerable ?? projectDefaults.preventVulnerable,
        severity: args.severity ?? projectDefaults.severity,
        reuseSystemCveAllowlist: args.reuseSystemCveAllowlist ?? projectDefaults.reuseSystemCveAllowlist,
        cveAllowlist: args.cveAllowlist ?? [],
        storageLimitBytes: args.storageLimitBytes ?? projectDefaults.storageLimitBytes,
        projectId: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      harborModule,
      "HarborProject",
    );
  }
}
