// The CMS files themselves are not exported: they load node-forge (see sealed-credential.ts).
export { decodeCmsText, encodeCmsPem } from './cms-armor.js';
export type { EnvelopedData, KeyTransRecipient } from './cms-envelope.js';
export { openSealedCredential, sealCredential } from './sealed-credential.js';
export type { CertificateFolders, RecipientKey } from './certificate-store.js';
export { createStorageConnector, type StorageConnector } from './storage-connector.js';
export { DEFAULT_SFTP_TIMEOUTS, type SftpSession, type SftpTimeouts } from './sftp-session.js';
export { uploadFiles, type UploadFile, type UploadResult } from './sftp-upload.js';
export { describeTarget, parseSftpUrl, type SftpTarget } from './sftp-target.js';
export { refuseMismatchedCredential } from './credential-check.js';
export { credentialMismatch } from './sftp-credential.js';
