import type { HttpsApp } from '../https-app.js';
import { StatisticsSettings } from '@tether/protocol';
import type { ServerContext } from '../../app/context.js';
import {
  readStatisticsSettings,
  writeStatisticsSettings,
} from '../../devices/statistics-settings.js';
import { parseInput, requireUser, sourceAddress } from '../request-context.js';

export function settingsRoutes(app: HttpsApp, context: ServerContext): void {
  app.get('/api/v1/settings/statistics', async (request): Promise<StatisticsSettings> => {
    await requireUser(context.auth, request);
    return readStatisticsSettings(context.store);
  });

  app.put('/api/v1/settings/statistics', async (request): Promise<StatisticsSettings> => {
    const principal = await requireUser(context.auth, request, ['administrator']);
    const settings = parseInput(StatisticsSettings, request.body, 'statistics settings');
    await writeStatisticsSettings(context.store, settings);
    await context.audit.record({
      action: 'settings.changed',
      actor: principal.user.username,
      target: 'statistics',
      sourceAddress: sourceAddress(request),
      details: { ...settings },
    });
    await context.broadcastSettings();
    return readStatisticsSettings(context.store);
  });
}
