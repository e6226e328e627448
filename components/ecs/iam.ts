import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** An IAM policy document, as IAM reads it. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow";
  Principal?: { Service: string };
  Action: string | string[];
  Resource?: string[];
  Condition?: Record<string, Record<string, string>>;
}

/** What a service's tasks need to start, and nothing more. */
export interface ExecutionGrants {
  /** The service's log group, or none when it logs elsewhere. */
  logGroupArn?: string;
  /** SSM parameters holding `secretEnv` values. */
  parameterArns: string[];
  /**
   * SSM parameters holding secret files, read by the init container that writes them.
   * @default none
   */
  fileParameterArns?: string[];
  /** Secrets Manager secrets: the registry credentials. */
  secretArns: string[];
  /** The image, when it comes from ECR: its repository is the only one pulled from. */
  image: string;
}

/** Where the cluster is: the partition, region and account of its ARN. */
export interface ClusterPlace {
  partition: string;
  region: string;
  account: string;
}

/** The partition, region and account of an ECS cluster ARN, or undefined for anything else. */
export function clusterPlace(clusterArn: string | undefined): ClusterPlace | undefined {
  const m = /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):cluster\//.exec(clusterArn ?? "");
  return m ? { partition: m[1], region: m[2], account: m[3] } : undefined;
}

/**
 * Lets ECS tasks (and only them) assume a role, and only for the cluster's own account (the confused
 * deputy: another account's tasks cannot be made to use it). The task role also names the source:
 * tasks of ECS in the cluster's region and account (`aws:SourceArn`, which ECS sets for task roles).
 * The execution role carries `aws:SourceAccount` only.
 */
export function ecsTasksTrustPolicy(place: ClusterPlace, role: "task" | "execution"): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": place.account },
          ...(role === "task" && {
            ArnLike: { "aws:SourceArn": `arn:${place.partition}:ecs:${place.region}:${place.account}:*` },
          }),
        },
      },
    ],
  };
}

/**
 * The trust policy of a service's role, from its cluster's ARN. A value that is no ECS cluster ARN fails
 * the deployment rather than trust every account. AWS always gives a cluster its ARN; only a user's
 * plain test mocks give none, and they get the policy without conditions instead of a crash.
 */
function trustPolicy(clusterArn: pulumi.Input<string>, role: "task" | "execution"): pulumi.Output<string> {
  return pulumi.output(clusterArn).apply((arn: string | undefined) => {
    if (arn === undefined) return JSON.stringify(unconditionalTrust);
    const place = clusterPlace(arn);
    if (!place) throw new Error(`not an ECS cluster ARN: ${JSON.stringify(arn)}`);
    return JSON.stringify(ecsTasksTrustPolicy(place, role));
  });
}

const unconditionalTrust: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
};

const ecrImage = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/;

/** The ARN of the ECR repository an image comes from, or undefined for any other registry. */
export function ecrRepositoryArn(image: string): string | undefined {
  const m = ecrImage.exec(image);
  if (!m) return undefined;
  const [, account, region, china, repository] = m;
  return `arn:${china ? "aws-cn" : "aws"}:ecr:${region}:${account}:repository/${repository}`;
}

/**
 * The execution role's only policy: write to the service's own log streams, read exactly the service's
 * own parameters and secrets, and pull from the image's own ECR repository. A statement with nothing to
 * grant is left out. `ecr:GetAuthorizationToken` takes no resource, so it is granted on `*`, and only
 * for an ECR image.
 */
export function executionPolicy(grants: ExecutionGrants): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (grants.logGroupArn !== undefined) {
    statements.push({
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${grants.logGroupArn}:log-stream:*`],
    });
  }
  if (grants.parameterArns.length > 0) {
    statements.push({
      Sid: "SecretEnv",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: [...grants.parameterArns],
    });
  }
  if (grants.fileParameterArns !== undefined && grants.fileParameterArns.length > 0) {
    statements.push({
      Sid: "SecretFiles",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: [...grants.fileParameterArns],
    });
  }
  if (grants.secretArns.length > 0) {
    statements.push({
      Sid: "RegistryCredentials",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [...grants.secretArns],
    });
  }
  const repository = ecrRepositoryArn(grants.image);
  if (repository !== undefined) {
    statements.push(
      { Sid: "EcrToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
      {
        Sid: "EcrPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: [repository],
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface ServiceRoles {
  /** What the application in the task may do: nothing, until policies are attached to it. */
  taskRole: aws.iam.Role;
  /** What ECS may do to start the task: see {@link executionPolicy}. */
  executionRole: aws.iam.Role;
  executionPolicy: aws.iam.RolePolicy;
}

/** The task role and the execution role of one service, with the execution role's inline policy. */
export function serviceRoles(
  name: string,
  clusterArn: pulumi.Input<string>,
  grants: pulumi.Input<ExecutionGrants>,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): ServiceRoles {
  const taskRole = new aws.iam.Role(
    `${name}-task`,
    { assumeRolePolicy: trustPolicy(clusterArn, "task"), description: `Tasks of ${name}`, tags },
    opts,
  );
  const executionRole = new aws.iam.Role(
    `${name}-execution`,
    {
      assumeRolePolicy: trustPolicy(clusterArn, "execution"),
      description: `ECS starting tasks of ${name}`,
      tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-execution`,
    {
      role: executionRole.name,
      policy: pulumi.output(grants).apply((g) => JSON.stringify(executionPolicy(g))),
    },
    opts,
  );
  return { taskRole, executionRole, executionPolicy: policy };
}
