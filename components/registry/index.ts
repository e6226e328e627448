/**
 * `berth/registry`: Harbor and GitLab registries and their credentials. The components arrive here;
 * the subpath exists now so that imports of it are stable.
 */
export {};
