import * as pulumi from "@pulumi/pulumi";

/** One problem with a component's arguments, at a path such as `adminCidr` or `network.vpcId`. */
export interface ArgumentIssue {
  path: string;
  message: string;
}

/**
 * A component's arguments are wrong: `issues` lists every problem, the message names the component
 * (`<Type> <name>:` and one indented line per issue), and Pulumi reports it against the component.
 * Each component's error class extends it, so users can tell them apart.
 */
export class ComponentArgumentsError extends pulumi.ResourceError {
  constructor(
    /** The component's type, as the message names it (`SwarmCluster`, `AwsSwarmNodes`, ...). */
    componentType: string,
    /** The component's name. */
    readonly resourceName: string,
    /** Every problem found in the arguments, each naming its field. */
    readonly issues: ArgumentIssue[],
    /** The component the arguments were given to. */
    resource?: pulumi.Resource,
  ) {
    super(
      `${componentType} ${resourceName}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
      resource,
      true,
    );
  }
}
