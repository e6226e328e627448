/**
 * `berth/compose`: docker-compose files as Berth services. The loader and ComposeStack arrive here;
 * the subpath exists now so that imports of it are stable.
 */
export {};
