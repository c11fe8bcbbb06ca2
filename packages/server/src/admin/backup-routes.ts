import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, backupEndpoints, type BackupJob } from '@tether/protocol';
import { backupPath, listBackups } from '../backup/backup-files.js';
import {
  backupDirectory,
  readRunState,
  readSchedule,
  saveSchedule,
  scheduleAuditDetails,
  scheduleView,
  type BackupPlaces,
} from '../backup/backup-schedule.js';
import { startBackupService } from '../backup/backup-service.js';
import { restoreState, stageRestore } from '../backup/staged-restore.js';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';

/** A shell word: the restore command is copied into a terminal as it is shown. */
const quoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The backup editor of the admin console (S-8) and the schedule behind it: the scheduled
 * backups live as long as the admin listener, which closes (awaiting a backup being written)
 * before the store does.
 */
export function backupAdminRoutes(app: HttpsApp, context: ServerContext): void {
  const places: BackupPlaces = {
    dataDir: context.config.dataDir,
    keysDir: join(context.config.dataDir, 'keys'),
    recordingsDir: context.recordingsDir,
  };
  const backups = startBackupService({
    ...context,
    places,
    // Read at each notification: the notification service may be put in place after this.
    notifications: { notify: (notification) => context.notifications.notify(notification) },
  });
  app.addHook('onClose', () => backups.stop());
  const directory = async () => backupDirectory(await readSchedule(context.store), places);
  const copy = (job: BackupJob): BackupJob => ({ ...job });

  registerEndpoint(app, context.auth, backupEndpoints.list, async () => {
    const folder = await directory();
    return {
      directory: folder,
      backups: await listBackups(folder),
      restoreCommand: [
        'tether restore',
        quoted(join(folder, 'FILE')),
        '--data-dir',
        quoted(context.config.dataDir),
        ...(context.store.engine === 'postgres' ? ['--database "$TETHER_DATABASE"'] : []),
        '--replace',
      ].join(' '),
    };
  });

  registerEndpoint(app, context.auth, backupEndpoints.create, ({ body, principal, request }) =>
    Promise.resolve({
      job: copy(
        backups.create({
          passphrase: body.passphrase,
          includeRecordings: body.includeRecordings,
          by: { username: principal.user.username, sourceAddress: sourceAddress(request) },
        }),
      ),
    }),
  );

  registerEndpoint(app, context.auth, backupEndpoints.job, ({ params }) => {
    const job = backups.job(params.id);
    if (!job)
      return Promise.reject(
        new AppError('NOT_FOUND', 'No such backup job (the server may have restarted).'),
      );
    return Promise.resolve({ job: copy(job) });
  });

  registerEndpoint(app, context.auth, backupEndpoints.verify, async ({ params, body }) => {
    const file = await backupPath(await directory(), params.name);
    const { openBackup } = await import('../backup/backup.js');
    const workDir = await mkdtemp(join(tmpdir(), 'tether-verify-'));
    try {
      const manifest = await openBackup(file, body.passphrase, workDir);
      return {
        createdAt: manifest.createdAt,
        engine: manifest.engine,
        tables: manifest.tables,
        files: manifest.entries.length,
        includesRecordings: manifest.includesRecordings,
      };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  registerEndpoint(app, context.auth, backupEndpoints.download, async ({ params, reply }) => {
    const file = await backupPath(await directory(), params.name);
    await reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${params.name}"`)
      .header('cache-control', 'no-store')
      .send(createReadStream(file));
  });

  registerEndpoint(
    app,
    context.auth,
    backupEndpoints.remove,
    async ({ params, principal, request }) => {
      const file = await backupPath(await directory(), params.name);
      await rm(file);
      await context.audit.record({
        action: 'backup.deleted',
        actor: principal.user.username,
        target: params.name,
        sourceAddress: sourceAddress(request),
      });
    },
  );

  registerEndpoint(
    app,
    context.auth,
    backupEndpoints.restore,
    async ({ params, body, principal, request, reply }) => {
      if (context.cluster.isClustered)
        throw new AppError(
          'CONFLICT',
          'This server is one node of a cluster: a restore replaces the database every node shares. Stop every node, then run `tether restore FILE --replace` with the cluster database.',
        );
      if (backups.isWriting())
        throw new AppError('CONFLICT', 'A backup is being written; restore once it has finished.');
      const file = await backupPath(await directory(), params.name);
      const by = principal.user.username;
      const address = sourceAddress(request);
      const manifest = await stageRestore({
        dataDir: context.config.dataDir,
        file,
        passphrase: body.passphrase,
        request: {
          file: params.name,
          by,
          sourceAddress: address,
          requestedAt: context.clock.now().toISOString(),
        },
      });
      await context.audit.record({
        action: 'backup.restore_requested',
        actor: by,
        target: params.name,
        sourceAddress: address,
        details: { backupCreatedAt: manifest.createdAt, restarting: context.restart !== undefined },
      });
      const { restart } = context;
      // Once this answer is out: the restart closes the listener, awaiting its open requests.
      if (restart) reply.raw.once('finish', () => setImmediate(restart));
      return {
        restarting: restart !== undefined,
        backupCreatedAt: manifest.createdAt,
        message: restart
          ? 'The backup is intact. The server restarts now and restores it before it serves again; sign in again in a minute.'
          : 'The backup is intact and staged. Restart the server to restore it: it is applied before the server serves again.',
      };
    },
  );

  registerEndpoint(app, context.auth, backupEndpoints.restoreState, async () => ({
    restore: await restoreState(context.config.dataDir),
  }));

  registerEndpoint(app, context.auth, backupEndpoints.getSchedule, async () =>
    scheduleView(await readSchedule(context.store), await readRunState(context.store), places),
  );

  registerEndpoint(
    app,
    context.auth,
    backupEndpoints.setSchedule,
    async ({ body, principal, request }) => {
      const saved = await saveSchedule({
        store: context.store,
        places,
        schedule: body,
        now: context.clock.now(),
      });
      const view = scheduleView(saved, await readRunState(context.store), places);
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'backup.schedule',
        sourceAddress: sourceAddress(request),
        details: {
          ...scheduleAuditDetails(view),
          passphraseChanged: body.passphrase !== undefined,
        },
      });
      // A schedule due now (enabled with a past time) starts without waiting for the next check.
      void backups.runIfDue().catch(() => undefined);
      return view;
    },
  );
}
