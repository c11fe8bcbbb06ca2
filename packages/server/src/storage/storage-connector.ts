import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { AppError, type CustomStorage } from '@tether/protocol';
import type { CertificateFolders } from './certificate-store.js';
import { openSealedCredential } from './cms-decrypt.js';
import { toSftpCredential } from './sftp-credential.js';
import {
  DEFAULT_SFTP_TIMEOUTS,
  openSftpSession,
  type SftpSession,
  type SftpTimeouts,
} from './sftp-session.js';
import { describeTarget, parseSftpUrl, type SftpTarget } from './sftp-target.js';
import { describeFailure } from './sftp-upload.js';

/** Opens SFTP sessions to custom storage, decrypting the sealed credential just for the login. */
export interface StorageConnector {
  connect(storage: CustomStorage): Promise<{ session: SftpSession; target: SftpTarget }>;
  /**
   * Logs in and proves write permission by writing and deleting a small file in the storage
   * folder, so nothing is left behind. Resolves with the target as shown to people.
   */
  test(storage: CustomStorage): Promise<{ target: string }>;
}

/**
 * @example
 * const connector = createStorageConnector({ folders: { certsDir, privateDir } });
 * const { session } = await connector.connect(policy.customStorage);
 */
export function createStorageConnector(deps: {
  folders: CertificateFolders;
  timeouts?: SftpTimeouts;
}): StorageConnector {
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
        const folder = await session.stat(target.path).catch((error: unknown) => {
          throw describeFailure(error, `look at ${target.path}`);
        });
        if (!folder?.isDirectory()) {
          throw new AppError(
            'NOT_FOUND',
            `The folder ${target.path} does not exist on ${where}. Create it (writable by ${target.username}) or fix the path in the URL.`,
          );
        }
        const probe = posix.join(
          target.path,
          `.tether-write-test-${randomBytes(6).toString('hex')}`,
        );
        try {
          await session.write(probe, Readable.from([Buffer.from('tether write test\n')]));
        } catch (error) {
          throw describeFailure(error, `write into ${target.path}`);
        } finally {
          await session.unlink(probe).catch(() => undefined);
        }
        return { target: where };
      } finally {
        session.close();
      }
    },
  };
}
