import { settingsEndpoints, type StatisticsSettingsView } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import {
  readStatisticsSettings,
  writeStatisticsSettings,
} from '../../devices/statistics-settings.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

export function settingsRoutes(app: HttpsApp, context: ServerContext): void {
  /** The fleet's settings and the interval in force on this node. */
  const view = async (): Promise<StatisticsSettingsView> => {
    const settings = await readStatisticsSettings(context.store);
    return { ...settings, inForce: context.statisticsInForce(settings) };
  };
  registerEndpoint(app, context.auth, settingsEndpoints.getStatistics, view);

  registerEndpoint(
    app,
    context.auth,
    settingsEndpoints.setStatistics,
    async ({ body, principal, request }) => {
      await writeStatisticsSettings(context.store, body);
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'statistics',
        sourceAddress: sourceAddress(request),
        details: { ...body },
      });
      await context.broadcastSettings();
      return view();
    },
  );
}
