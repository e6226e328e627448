import { ProviderHost } from "./provider-host";
import { providerKey, type StateEntry } from "./state";

/** The resource to read: where it sits in the stack, its ID, and the serialized provider to use. */
export interface ReadById {
  urn: string;
  type: string;
  name: string;
  parent: string;
  id: string;
  providerText: string;
}

/**
 * Reads an object by ID through the dynamic-provider host with no earlier state, only the provider
 * known (as for a `.get`, or an import that could name the provider), and answers the state the
 * engine keeps: the host's properties as outputs, its inputs, and nothing secret. The host does not
 * accept secrets and cannot mark what `read` returns as secret, and there is no earlier state whose
 * secrecy the engine could carry over.
 *
 * @returns undefined when the provider reports the object gone.
 */
export async function readById(projectDir: string, resource: ReadById): Promise<StateEntry | undefined> {
  const host = await ProviderHost.start(projectDir, "127.0.0.1:0", {});
  try {
    const read = await host.read(resource.urn, resource.id, {}, { [providerKey]: resource.providerText });
    if (!read.id) return undefined;
    return {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent,
      custom: true,
      dynamic: true,
      id: read.id,
      outputs: read.properties,
      inputs: read.inputs ?? {},
      secretInputs: [],
      secretOutputs: [],
    };
  } finally {
    host.stop();
  }
}
