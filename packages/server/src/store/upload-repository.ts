/**
 * Persistence of the uploads feature. Its tables are declared by augmenting `Database` in
 * `store/migrations/uploads.ts` (module augmentation), so features do not edit a shared schema file.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the uploads feature
export interface UploadRepository {}
