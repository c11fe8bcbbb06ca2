import { z } from 'zod';
import { AgentPackageDownloads, AgentPackageFile } from '../api/agent-package-downloads.js';
import { InstallerId } from '../ids.js';
import { endpoint } from './endpoint.js';

const refusals = ['NOT_FOUND', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'INVALID_INPUT'] as const;

/**
 * The agent packages of an installer (issue 14): what devices install, made per installer and
 * signed by the server key. Downloading one gives its enrolment token again, so the signed-in
 * routes need `installers.manage`, as creating one does.
 */
export const agentPackageEndpoints = {
  downloads: endpoint({
    id: 'agentPackages.downloads',
    method: 'GET',
    path: '/api/v1/installers/:id/downloads',
    summary: "List an installer's package downloads",
    description:
      'The one-liner to paste on a device, and the `.run`, `.deb` and `.tar.gz` packages with their sizes and public links. The first call after a server upgrade assembles the agent build (seconds).',
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'installer',
    params: z.object({ id: InstallerId }),
    success: { status: 200, body: AgentPackageDownloads, noStore: true },
    errors: refusals,
  }),
  download: endpoint({
    id: 'agentPackages.download',
    method: 'GET',
    path: '/api/v1/installers/:id/downloads/:file',
    summary: "Download an installer's package",
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'installer',
    params: z.object({ id: InstallerId, file: AgentPackageFile }),
    success: {
      status: 200,
      body: undefined,
      contentType: 'application/octet-stream',
      noStore: true,
    },
    errors: refusals,
  }),
  publicDownload: endpoint({
    id: 'agentPackages.publicDownload',
    method: 'GET',
    path: '/install/:id/:key/:file',
    summary: 'Download a package by its public link',
    description:
      "What the one-liner fetches: no sign-in, the link's key instead (from the downloads list). It stops working when the installer is revoked, expires or is extended. Keys never appear in the server's logs.",
    access: { kind: 'public' },
    subject: 'package link',
    params: z.object({
      id: InstallerId,
      key: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'must be the key of a package link'),
      file: AgentPackageFile,
    }),
    success: {
      status: 200,
      body: undefined,
      contentType: 'application/octet-stream',
      noStore: true,
    },
    errors: refusals,
  }),
};
