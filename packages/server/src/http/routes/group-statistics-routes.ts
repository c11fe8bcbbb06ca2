import { groupStatisticsEndpoints } from '@tether/protocol';
import { listGroupStatistics, writeGroupStatistics } from '../../devices/group-statistics.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/**
 * Statistics settings per device group: saved, audited, and pushed at once to the
 * group's connected agents.
 */
export function groupStatisticsRoutes(app: HttpsApp, context: ServerContext): void {
  const { store } = context;
  registerEndpoint(app, context.auth, groupStatisticsEndpoints.list, async () => ({
    groups: await listGroupStatistics(store),
  }));

  registerEndpoint(
    app,
    context.auth,
    groupStatisticsEndpoints.set,
    async ({ params, body, principal, request }) => {
      const { groupName, previous } = await writeGroupStatistics(store, params.id, body);
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'statistics.group',
        sourceAddress: sourceAddress(request),
        details: { group: groupName, groupId: params.id, ...body, previous: previous ?? null },
      });
      await context.broadcastSettings({ group: groupName });
      const saved = (await listGroupStatistics(store)).find((g) => g.groupId === params.id);
      return saved ?? { groupId: params.id, groupName, settings: body };
    },
  );

  registerEndpoint(
    app,
    context.auth,
    groupStatisticsEndpoints.remove,
    async ({ params, principal, request }) => {
      const { groupName, previous } = await writeGroupStatistics(store, params.id, null);
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'statistics.group',
        sourceAddress: sourceAddress(request),
        details: {
          group: groupName,
          groupId: params.id,
          removed: true,
          previous: previous ?? null,
        },
      });
      await context.broadcastSettings({ group: groupName });
    },
  );
}
