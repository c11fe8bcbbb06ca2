import { MaintenanceSettings } from '../api/maintenance.js';
import { endpoint } from './endpoint.js';

/** Fleet maintenance on the admin listener. */
export const maintenanceEndpoints = {
  get: endpoint({
    id: 'admin.maintenance.get',
    method: 'GET',
    path: '/conf/api/maintenance',
    summary: 'Read the lost and delete thresholds and the local uninstall rules',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: MaintenanceSettings },
    errors: [],
  }),
  set: endpoint({
    id: 'admin.maintenance.set',
    method: 'PUT',
    path: '/conf/api/maintenance',
    summary: 'Change the lost and delete thresholds and the local uninstall rules (A-7, A-8)',
    description:
      'Thresholds are whole days from 15 to 3650, or null for never; lost must come before delete. Connected agents get their new deletion deadline at once. `INVALID_INPUT` otherwise; nothing is changed then.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'maintenance settings',
    body: MaintenanceSettings,
    success: { status: 200, body: MaintenanceSettings },
    errors: ['INVALID_INPUT'],
  }),
};
