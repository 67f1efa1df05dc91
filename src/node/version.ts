/** The Vault release a lab node impersonates: clients read it from sys/seal-status, sys/health and the mounts' plugin versions. */
export const VAULT_VERSION = '1.18.5';
/** The build date reported with it. */
export const BUILD_DATE = '2025-02-24T09:40:28Z';
