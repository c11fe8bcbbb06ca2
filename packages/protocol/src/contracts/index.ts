import type { AnyEndpoint } from './endpoint.js';
import {
  agentEndpoints,
  auditEndpoints,
  installerEndpoints,
  settingsEndpoints,
} from './administration.js';
import { oemAdministrationEndpoints, oemDeviceEndpoints } from './oem.js';

export * from './endpoint.js';
export * from './administration.js';
export * from './oem.js';

/**
 * Every endpoint defined as a contract. The server's contract test checks that each has a route
 * and each route has a contract (routes not yet moved to contracts are listed there).
 */
export const ENDPOINTS: readonly AnyEndpoint[] = [
  ...Object.values(installerEndpoints),
  ...Object.values(agentEndpoints),
  ...Object.values(settingsEndpoints),
  ...Object.values(auditEndpoints),
  ...Object.values(oemDeviceEndpoints),
  ...Object.values(oemAdministrationEndpoints),
];
