import { NO_DESKTOP_MESSAGE, type Device } from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';
import { toAccessSummary } from '../unattended/access-view.js';
import type { AgentLink } from './device-presence.js';

/**
 * The API view of a device: the store row plus its live link, when it is connected, and its
 * live unattended access, when it has one.
 */
export function toApiDevice(
  record: DeviceRecord,
  link: AgentLink | undefined,
  unattended?: UnattendedAccessRecord,
): Device {
  const online = link !== undefined;
  return {
    id: record.id,
    name: record.name,
    group: record.group,
    hostname: record.inventory.hostname,
    os: record.inventory.os,
    agentVersion: record.inventory.agentVersion,
    online,
    enrolledAt: record.enrolledAt.toISOString(),
    lastSeenAt: online ? new Date().toISOString() : (record.lastSeenAt?.toISOString() ?? null),
    stats: record.stats,
    statsAt: record.statsAt?.toISOString() ?? null,
    userPresence: link?.userPresence ?? null,
    unattendedAccess: unattended ? toAccessSummary(unattended) : null,
    desktopUnavailable: link?.hasDesktop === false ? NO_DESKTOP_MESSAGE : null,
    comments: record.comments,
    tags: record.tags,
    maxOfflineMinutes: record.maxOfflineMinutes,
    connectionType: record.connectionType,
    installMode: record.installMode,
    lostAt: record.lostAt?.toISOString() ?? null,
    uninstalledAt: record.uninstalledAt?.toISOString() ?? null,
  };
}
