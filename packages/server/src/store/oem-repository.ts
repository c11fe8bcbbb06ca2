/**
 * Persistence of the oem feature. Its tables are declared by augmenting `Database` in
 * `store/migrations/oem.ts` (module augmentation), so features do not edit a shared schema file.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the oem feature
export interface OemRepository {}
