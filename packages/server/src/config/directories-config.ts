import { DirectoriesRequest } from '@tether/protocol';

/**
 * The `directories` key of the config file: the LDAP / RADIUS directories asked, in order, for
 * the password of a user who is not local (same fields as `PUT /conf/api/directories`, secrets
 * inline). When present, it wins over the admin interface's settings, which then show it read-only.
 *
 * @example
 * "directories": [{ "type": "radius", "id": "otp", "name": "One-time codes",
 *   "servers": [{ "host": "radius1.example.com" }, { "host": "radius2.example.com" }],
 *   "secret": "…", "mapping": { "rules": [], "defaultRole": "technician" } }]
 */
export const DirectoriesConfig = DirectoriesRequest.shape.directories.optional();
