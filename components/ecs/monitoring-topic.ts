/** Where an ECS cluster's alarms go: an encrypted SNS topic and its receivers' subscriptions. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** What the alert topic is made for. */
export interface AlertTopicArgs {
  /** The ECS cluster's name: the topic is `<cluster>-alerts`. */
  clusterName: string;
  /** The ECS cluster's ARN: its partition and account own the key. */
  clusterArn: pulumi.Output<string>;
  /** HTTPS URLs that receive every notification (checked as far as known). Secret. */
  webhooks: pulumi.Input<string>[];
  /** E-mail addresses that receive every notification. */
  emails: string[];
  /** Tags on every resource. */
  tags: Record<string, string>;
}

/** The alert topic's name for a cluster, which AWS Chatbot and other subscribers are pointed at. */
export const alertTopicName = (clusterName: string) => `${clusterName}-alerts`;

/**
 * The policy of the topic's key: the account administers it (as every key policy must allow), and
 * CloudWatch alarms may encrypt what they publish. The AWS-managed SNS key cannot be used: its policy
 * admits no CloudWatch alarm, and AWS-managed policies cannot be changed.
 */
export function alertKeyPolicy(clusterArn: string): string {
  const [, partition, , , account] = clusterArn.split(":");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ],
  });
}

/** `url`, once known, if it is an https URL; otherwise the deployment fails without showing it. */
function httpsOnly(url: pulumi.Input<string>, index: number): pulumi.Output<string> {
  return pulumi.output(url).apply((value) => {
    if (!/^https:\/\/[^\s/]+/i.test(value))
      throw new Error(
        `receivers.webhooks[${index}] is not an https URL: SNS would send every alert unencrypted`,
      );
    return value;
  });
}

/**
 * The alert topic, encrypted with a key of its own that CloudWatch alarms may use, and a subscription per
 * receiver: webhooks as `https` subscriptions (their endpoint must confirm them), addresses as `email`
 * ones (each address gets a confirmation mail). Endpoints are secret in the state: URLs carry tokens,
 * and addresses are personal.
 */
export function alertTopic(name: string, args: AlertTopicArgs, parent: pulumi.Resource): aws.sns.Topic {
  const child = { parent };
  const key = new aws.kms.Key(
    `${name}-alerts`,
    {
      description: `Encrypts the alert topic of ECS cluster ${args.clusterName}`,
      enableKeyRotation: true,
      policy: args.clusterArn.apply(alertKeyPolicy),
      tags: args.tags,
    },
    child,
  );
  const topic = new aws.sns.Topic(
    `${name}-alerts`,
    { name: alertTopicName(args.clusterName), kmsMasterKeyId: key.arn, tags: args.tags },
    child,
  );
  const secretEndpoint = { parent, additionalSecretOutputs: ["endpoint"] };
  args.webhooks.forEach((url, i) => {
    new aws.sns.TopicSubscription(
      `${name}-webhook-${i}`,
      { topic: topic.arn, protocol: "https", endpoint: pulumi.secret(httpsOnly(url, i)) },
      secretEndpoint,
    );
  });
  args.emails.forEach((address, i) => {
    new aws.sns.TopicSubscription(
      `${name}-email-${i}`,
      { topic: topic.arn, protocol: "email", endpoint: pulumi.secret(address) },
      secretEndpoint,
    );
  });
  return topic;
}
