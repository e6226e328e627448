import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { AlertReceivers } from "../observability-contract";
import { prometheusDuration } from "./durations";

/** How Alertmanager groups and repeats notifications. */
export interface AlertRouting {
  /** How long to wait for more alerts of a new group before the first notice, in seconds. @default 30 */
  groupWaitSeconds?: number;
  /** How long to wait before telling of alerts added to a group already told of, in seconds. @default 300 */
  groupIntervalSeconds?: number;
  /** How long before an alert still firing is told again, in seconds. @default 14400 (4 hours) */
  repeatIntervalSeconds?: number;
}

/** The one receiver every alert goes to. */
export const alertReceiverName = "berth";

/**
 * Alertmanager's configuration (`alertmanager.yml`) that sends every alert, grouped by alert and
 * service, to each receiver given, and tells when it resolves. Secret when any receiver is given:
 * webhook URLs and SMTP passwords carry credentials, so it belongs in a secret, not a config.
 */
export function alertmanagerConfig(
  receivers: AlertReceivers,
  routing: AlertRouting = {},
): pulumi.Output<string> {
  const { webhooks = [], slack = [], email } = receivers;
  const config = pulumi
    .all([
      pulumi.all(webhooks.map((url) => pulumi.output(url))),
      pulumi.all(slack.map((url) => pulumi.output(url))),
      pulumi.output(email?.username),
      pulumi.output(email?.password),
    ])
    .apply(([webhookUrls, slackUrls, username, password]) => {
      const receiver: Record<string, unknown> = { name: alertReceiverName };
      if (webhookUrls.length > 0)
        receiver.webhook_configs = webhookUrls.map((url) => ({ url, send_resolved: true }));
      if (slackUrls.length > 0)
        receiver.slack_configs = slackUrls.map((api_url) => ({
          api_url,
          send_resolved: true,
          title: "{{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}",
          text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
        }));
      if (email)
        receiver.email_configs = email.to.map((to) => ({
          to,
          ...(email.from ? { from: email.from } : {}),
          ...(email.smarthost ? { smarthost: email.smarthost } : {}),
          ...(username ? { auth_username: username } : {}),
          ...(password ? { auth_password: password } : {}),
          require_tls: true,
          send_resolved: true,
        }));
      return stringify({
        route: {
          receiver: alertReceiverName,
          group_by: ["alertname", "service"],
          group_wait: prometheusDuration(routing.groupWaitSeconds ?? 30),
          group_interval: prometheusDuration(routing.groupIntervalSeconds ?? 300),
          repeat_interval: prometheusDuration(routing.repeatIntervalSeconds ?? 14_400),
        },
        receivers: [receiver],
      });
    });
  const anyReceiver = webhooks.length > 0 || slack.length > 0 || email !== undefined;
  return anyReceiver ? pulumi.secret(config) : config;
}
