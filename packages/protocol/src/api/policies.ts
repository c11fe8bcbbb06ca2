import { z } from 'zod';

/** Whether sessions of a kind are recorded. `required`: recorded, and ended if recording fails. */
export const RecordingMode = z.enum(['required', 'off']);
export type RecordingMode = z.infer<typeof RecordingMode>;

/**
 * "Upload session recordings to custom storage": an SFTP target and its credential,
 * sealed as a CMS (PKCS#7 EnvelopedData) message to the uploading machine's certificate.
 *
 * @example
 * const storage: CustomStorage = { url: 'sftp://rec@files.example:22/tether', authentication: 'password', credential: cmsPem };
 */
export const CustomStorage = z.object({
  /** `sftp://user@host:port/path` (port optional, default 22). */
  url: z
    .string()
    .max(2048)
    .regex(/^sftp:\/\/[^@/\s]+@[^/\s]+(\/\S*)?$/, 'must look like sftp://user@host:port/path'),
  authentication: z.enum(['password', 'publicKey']),
  /** The password or private key, as the PEM or Base64 CMS message (Protect-CmsMessage, openssl cms -encrypt). */
  credential: z
    .string()
    .min(1)
    .max(256 * 1024),
});
export type CustomStorage = z.infer<typeof CustomStorage>;

/** The settings a policy may hold; absent keys leave the decision to other policies or defaults. */
export const PolicySettings = z.object({
  recording: z
    .object({ terminal: RecordingMode, desktop: RecordingMode, files: RecordingMode })
    .partial()
    .optional(),
  customStorage: CustomStorage.optional(),
});
export type PolicySettings = z.infer<typeof PolicySettings>;
