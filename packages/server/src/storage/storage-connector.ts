import { randomBytes } from 'node:crypto';
import type { CustomStorage, StorageTestResult } from '@tether/protocol';
import { systemClock, type Clock } from '../clock.js';
import type { CertificateFolders } from './certificate-store.js';
import { openSealedCredential } from './sealed-credential.js';
import { toSftpCredential } from './sftp-credential.js';
import {
  DEFAULT_SFTP_TIMEOUTS,
  openSftpSession,
  type SftpSession,
  type SftpTimeouts,
} from './sftp-session.js';
import { describeTarget, parseSftpUrl, type SftpTarget } from './sftp-target.js';
import { describeFailure, monthFolderOf, uploadFiles } from './sftp-upload.js';

/** Opens SFTP sessions to custom storage, decrypting the sealed credential just for the login. */
export interface StorageConnector {
  connect(storage: CustomStorage): Promise<{ session: SftpSession; target: SftpTarget }>;
  /**
   * Logs in and uploads a small probe file exactly as recordings are uploaded (this month's
   * folder, `.part`, verification, rename), then deletes it, so a setting that passes the test
   * can take uploads. Says what uploads will do differently (no month folder, size check).
   */
  test(storage: CustomStorage): Promise<StorageTestResult>;
}

/**
 * @example
 * const connector = createStorageConnector({ folders: { certsDir, privateDir } });
 * const { session } = await connector.connect(policy.customStorage);
 */
export function createStorageConnector(deps: {
  folders: CertificateFolders;
  timeouts?: SftpTimeouts;
  clock?: Clock;
}): StorageConnector {
  const clock = deps.clock ?? systemClock;
  const connect: StorageConnector['connect'] = async (storage) => {
    const target = parseSftpUrl(storage.url);
    const plaintext = await openSealedCredential(storage.credential, deps.folders);
    const credential = toSftpCredential(storage.authentication, plaintext);
    try {
      return {
        session: await openSftpSession(target, credential, {
          hostKey: storage.hostKey,
          timeouts: deps.timeouts ?? DEFAULT_SFTP_TIMEOUTS,
        }),
        target,
      };
    } finally {
      if (credential.type === 'publicKey') credential.privateKey.fill(0);
    }
  };
  return {
    connect,
    async test(storage) {
      const { session, target } = await connect(storage);
      const where = describeTarget(target);
      try {
        const result = await uploadFiles(session, {
          folder: target.path,
          subfolder: monthFolderOf(clock.now()),
          files: [
            {
              remoteName: `.tether-write-test-${randomBytes(6).toString('hex')}`,
              content: Buffer.from('tether write test\n'),
            },
          ],
        });
        const probe = result.files[0]?.remotePath ?? '';
        const notices = [...result.notices];
        const isDeleted = await session.unlink(probe).then(
          () => true,
          (error: unknown) => {
            const refusal = describeFailure(error, `delete the test file ${probe}`).message;
            notices.push(
              `${refusal.replace(/ Give the upload account .*$/, '')} Delete it by hand; uploads do not need to delete files.`,
            );
            return false;
          },
        );
        const { folder, verification } = result;
        const check =
          verification === 'sha256'
            ? 'verified by SHA-256 read-back'
            : 'verified by size only, because the account may not read files back';
        const done = isDeleted ? 'wrote and deleted a test file' : 'wrote a test file';
        return {
          ok: true,
          target: where,
          folder,
          verification,
          notices,
          message: [
            `Signed in to ${where} and ${done} in ${folder} the way uploads do (.part, ${check}, rename): uploads can go there.`,
            ...notices,
          ].join(' '),
        };
      } finally {
        session.close();
      }
    },
  };
}
