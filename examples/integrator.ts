/**
 * An integrator's side of the Tether integration API, end to end (O-2 … O-4), with the SDK.
 * Run it as root on a managed device (the rollout file is root's), or anywhere with a copy of
 * the rollout data:
 *
 *   TETHER_URL=https://support.example.com TETHER_TOKEN=<script token> \
 *     node --import tsx examples/integrator.ts --tenant t1001 \
 *       [--rollout-file /var/lib/tether-agent/rollout.json] [--ca server.pem] \
 *       [--control attended|unattended] [--unregister]
 *
 * It prints the one-time control URL; open it in a browser signed in to nothing: the URL alone
 * opens the session, once. With --unregister the device key is deleted at the end.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createControlUrl,
  createOemClient,
  decryptDeviceKey,
  readRolloutFile,
} from '@tether/sdk/node';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    'rollout-file': { type: 'string', default: '/var/lib/tether-agent/rollout.json' },
    ca: { type: 'string' },
    control: { type: 'string', default: 'attended' },
    unregister: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const baseUrl = process.env['TETHER_URL'];
  const token = process.env['TETHER_TOKEN'];
  const tenantId = values.tenant;
  const controlType = values.control === 'unattended' ? 'unattended' : 'attended';
  if (!baseUrl || !token || !tenantId) {
    throw new Error('Set TETHER_URL and TETHER_TOKEN, and pass --tenant t<digits>.');
  }
  const oem = createOemClient({
    baseUrl,
    token,
    ...(values.ca ? { ca: await readFile(values.ca, 'utf8') } : {}),
  });

  // 1. Rollout: read the file right before the request; its RolloutKey works once.
  const rollout = await readRolloutFile(values['rollout-file']);
  const created = await oem.createDeviceKey({ tenantId, rollout, keyPermissions: [controlType] });
  const deviceKey = decryptDeviceKey(created.encryptedDeviceKey, rollout.rolloutKey);
  // A real product stores deviceKey (encrypted at rest), deviceKeyId, remoteControlId and the
  // decommission token now: none of them can be fetched again.
  console.log(`device ${rollout.remoteControlId}: device key ${created.deviceKeyId} rolled out`);

  // 2. Control: request, decrypt the DeviceSecret, HMAC, fill the template.
  const url = await createControlUrl({
    oem,
    tenantId,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: created.deviceKeyId,
    deviceKey,
    controlType,
  });
  console.log(`one-time ${controlType} control URL:\n${url}`);

  // 3. Unregister: the device deletes the key pair; the key is refused from then on.
  if (values.unregister) {
    await oem.unregister({
      tenantId,
      remoteControlId: rollout.remoteControlId,
      deviceKeyId: created.deviceKeyId,
      decommissionToken: created.decommissionToken,
    });
    console.log(`device key ${created.deviceKeyId} unregistered`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
