import { writeFile, readFile } from 'node:fs/promises';
import { startSftpServer } from '../support/sftp-server.js';
import { openSftpSession } from '../../packages/server/src/storage/sftp-session.js';
import { toSftpCredential } from '../../packages/server/src/storage/sftp-credential.js';
import { uploadFiles } from '../../packages/server/src/storage/sftp-upload.js';
import { parseSftpUrl } from '../../packages/server/src/storage/sftp-target.js';

const sftp = await startSftpServer();
try {
  const inbox = await sftp.folder('inbox');
  await writeFile('/tmp/cmsplay/local.cast', 'x'.repeat(100000));
  for (const cred of [toSftpCredential('password', Buffer.from(sftp.password + '\n')), toSftpCredential('publicKey', Buffer.from(sftp.privateKeyPem))]) {
    const t0 = Date.now();
    const session = await openSftpSession(parseSftpUrl(sftp.url(inbox)), cred);
    console.log('connected', cred.type, Date.now() - t0);
    const r = await uploadFiles(session, { folder: inbox, subfolder: '2024-05', files: [{ localPath: '/tmp/cmsplay/local.cast', remoteName: 'a.cast' }] });
    console.log(r, Date.now() - t0);
    session.close();
  }
  console.log((await readFile(inbox + '/2024-05/a.cast')).length);
  const ro = await sftp.folder('ro', { writable: false });
  const session = await openSftpSession(parseSftpUrl(sftp.url(ro)), toSftpCredential('password', Buffer.from(sftp.password)));
  await uploadFiles(session, { folder: ro, subfolder: '2024-05', files: [{ localPath: '/tmp/cmsplay/local.cast', remoteName: 'a.cast' }] }).catch((e) => console.log('RO:', e.message));
  session.close();
  const full = await sftp.folder('full', { tmpfsBytes: 32 * 1024 });
  const s2 = await openSftpSession(parseSftpUrl(sftp.url(full)), toSftpCredential('password', Buffer.from(sftp.password)));
  await uploadFiles(s2, { folder: full, subfolder: '2024-05', files: [{ localPath: '/tmp/cmsplay/local.cast', remoteName: 'a.cast' }] }).catch((e) => console.log('FULL:', e.message));
  s2.close();
  await openSftpSession(parseSftpUrl(sftp.url(full)), toSftpCredential('password', Buffer.from('wrong'))).catch((e) => console.log('AUTH:', e.message));
} finally {
  await sftp.close();
}
