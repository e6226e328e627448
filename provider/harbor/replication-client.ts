import type { HarborConnection } from "./client";
import { harborHttp } from "./http";

/** `definitions.RegistryCredential`; Harbor answers `access_secret` masked ("*****"), never as set. */
export interface RegistryCredential {
  type?: string;
  access_key?: string;
  access_secret?: string;
}

/** `definitions.Registry`: a registry endpoint Harbor replicates to or from. */
export interface Registry {
  id?: number;
  url?: string;
  name?: string;
  credential?: RegistryCredential;
  type?: string;
  insecure?: boolean;
  description?: string;
  status?: string;
  creation_time?: string;
  update_time?: string;
}

/** `definitions.RegistryUpdate` */
export interface RegistryUpdate {
  name?: string | null;
  description?: string | null;
  url?: string | null;
  credential_type?: string | null;
  access_key?: string | null;
  access_secret?: string | null;
  insecure?: boolean | null;
}

/** `definitions.ReplicationFilter`: `value` is a string, or a list of strings for `label`. */
export interface ReplicationFilter {
  type?: string;
  value?: unknown;
  decoration?: string;
}

/** `definitions.ReplicationTrigger` */
export interface ReplicationTrigger {
  type?: string;
  trigger_settings?: { cron?: string };
}

/** `definitions.ReplicationPolicy` */
export interface ReplicationPolicy {
  id?: number;
  name?: string;
  description?: string;
  src_registry?: Registry;
  dest_registry?: Registry;
  dest_namespace?: string;
  dest_namespace_replace_count?: number;
  trigger?: ReplicationTrigger;
  filters?: ReplicationFilter[];
  replicate_deletion?: boolean;
  deletion?: boolean;
  override?: boolean;
  enabled?: boolean;
}

/** A client of Harbor's registry endpoints (`/registries`) and replication policies (`/replication/policies`). */
export function replicationClient(connection: HarborConnection) {
  const http = harborHttp(connection);
  return {
    /** `createRegistry`; the new endpoint's ID. */
    createRegistry(registry: Registry): Promise<number> {
      return http.created("/registries", registry, "createRegistry");
    },

    /** `getRegistry`: everything but the secret. */
    getRegistry(id: number): Promise<Registry> {
      return http.json("GET", `/registries/${id}`);
    },

    /** `updateRegistry` */
    async updateRegistry(id: number, update: RegistryUpdate): Promise<void> {
      await http.send("PUT", `/registries/${id}`, { body: update });
    },

    /** `deleteRegistry`; Harbor answers 412 while a replication policy uses it. */
    async deleteRegistry(id: number): Promise<void> {
      await http.send("DELETE", `/registries/${id}`);
    },

    /** `createReplicationPolicy`; the new policy's ID. */
    createPolicy(policy: ReplicationPolicy): Promise<number> {
      return http.created("/replication/policies", policy, "createReplicationPolicy");
    },

    /** `getReplicationPolicy` */
    getPolicy(id: number): Promise<ReplicationPolicy> {
      return http.json("GET", `/replication/policies/${id}`);
    },

    /** `updateReplicationPolicy`: the whole policy. */
    async updatePolicy(id: number, policy: ReplicationPolicy): Promise<void> {
      await http.send("PUT", `/replication/policies/${id}`, { body: policy });
    },

    /** `deleteReplicationPolicy` */
    async deletePolicy(id: number): Promise<void> {
      await http.send("DELETE", `/replication/policies/${id}`);
    },
  };
}
