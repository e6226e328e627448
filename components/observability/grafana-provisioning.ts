import { stringify } from "yaml";

/** The `uid` of the Prometheus data source Grafana is provisioned with, which Berth's dashboard names. */
export const prometheusDataSourceUid = "prometheus";

/** What Grafana's provisioning needs to know. */
export interface GrafanaProvisioningArgs {
  /** Prometheus's HTTP API as Grafana's server reaches it (`http://prometheus:9090`). */
  prometheusUrl: string;
  /** The absolute path, in Grafana's container, of the folder that holds the dashboards' JSON files. */
  dashboardFolder: string;
  /**
   * The Grafana folder the dashboards are shown in.
   * @default `"Berth"`
   */
  folderTitle?: string;
  /**
   * Prometheus's scrape interval, as a Prometheus duration: Grafana's lower bound for a query's step,
   * and the base of `$__rate_interval`.
   * @default Grafana's own, 15 seconds
   */
  scrapeInterval?: string;
}

/** Grafana's provisioning files, as text. */
export interface GrafanaProvisioning {
  /** For `provisioning/datasources/`: Prometheus as the default data source. */
  datasources: string;
  /** For `provisioning/dashboards/`: a provider reading the dashboards' folder. */
  dashboards: string;
}

/** Grafana replaces `$NAME` in provisioned values with the environment's `NAME`; `$$` keeps a `$`. */
const literal = (value: string): string => value.replaceAll("$", "$$$$");

/**
 * Grafana's provisioning files (format `apiVersion: 1`): a Prometheus data source, the default, with
 * the `uid` Berth's dashboard uses, read through Grafana's server (`access: proxy`) so browsers never
 * reach Prometheus; and a file provider that loads every dashboard in `dashboardFolder` into one
 * Grafana folder. Both are read-only in Grafana's UI: Berth's deployment is their source.
 *
 * @throws Error when `prometheusUrl` is not an `http` or `https` URL or `dashboardFolder` is not an
 *   absolute path.
 */
export function grafanaProvisioning(args: GrafanaProvisioningArgs): GrafanaProvisioning {
  const { prometheusUrl, dashboardFolder, folderTitle = "Berth", scrapeInterval } = args;
  if (!/^https?:\/\/[^/\s]+/.test(prometheusUrl))
    throw new Error(
      `Grafana provisioning: prometheusUrl must be an http or https URL, not "${prometheusUrl}"`,
    );
  if (!dashboardFolder.startsWith("/"))
    throw new Error(
      `Grafana provisioning: dashboardFolder must be an absolute path, not "${dashboardFolder}"`,
    );
  const datasources = {
    apiVersion: 1,
    // Removes a data source provisioned before and since dropped (Grafana 11.1 and later).
    prune: true,
    datasources: [
      {
        name: "Prometheus",
        type: "prometheus",
        uid: prometheusDataSourceUid,
        access: "proxy",
        url: literal(prometheusUrl),
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: "POST",
          ...(scrapeInterval !== undefined && { timeInterval: scrapeInterval }),
        },
      },
    ],
  };
  const dashboards = {
    apiVersion: 1,
    providers: [
      {
        name: "berth",
        orgId: 1,
        folder: literal(folderTitle),
        type: "file",
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: literal(dashboardFolder), foldersFromFilesStructure: false },
      },
    ],
  };
  return { datasources: stringify(datasources), dashboards: stringify(dashboards) };
}
