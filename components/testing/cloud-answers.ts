/**
 * What the clouds would answer to the provider functions Berth calls, and the ARNs AWS computes, in one
 * mocked account and region.
 */
type Props = Record<string, unknown>;

/** The account of every mocked ARN. */
export const mockedAwsAccount = "123456789012";
/** The region `aws.getRegion` answers, and the one of every mocked ARN. */
export const mockedAwsRegion = "us-east-1";

const calls: Record<string, (inputs: Props) => Props> = {
  "aws:index/getRegion:getRegion": () => ({
    name: mockedAwsRegion,
    region: mockedAwsRegion,
    id: mockedAwsRegion,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: ["a", "b", "c"].map((z) => `${mockedAwsRegion}${z}`),
    zoneIds: [1, 2, 3].map((n) => `use1-az${n}`),
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: mockedAwsAccount,
    arn: `arn:aws:iam::${mockedAwsAccount}:user/mocked`,
    userId: "MOCKED",
  }),
  "aws:ec2/getVpc:getVpc": (inputs) => ({ id: inputs.id, cidrBlock: "10.0.0.0/16" }),
};

/** The answer to a provider function Berth calls, or undefined for any other. */
export function cloudCallAnswer(token: string, inputs: Props): Props | undefined {
  return calls[token]?.(inputs);
}

/** `aws:ecs/taskDefinition:TaskDefinition` -> the ARN AWS would give a resource of that type named `name`. */
export function mockedAwsArn(type: string, name: string): string | undefined {
  const match = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):/.exec(type);
  if (!match) return undefined;
  const [, service, kind] = match;
  const region = service === "iam" ? "" : mockedAwsRegion;
  return `arn:aws:${service}:${region}:${mockedAwsAccount}:${kind}/${name}`;
}
