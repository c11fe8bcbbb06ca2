/**
 * MeshCentral's figures as quoted in the issue that asked for this benchmark. They were not
 * measured here (different machine, different software): they are printed next to ours as a
 * point of comparison only.
 */
export const MESHCENTRAL_REFERENCE = {
  label: 'reference (not measured here)',
  source: 'MeshCentral, figures quoted in the issue',
  relayUploadMiBps: { min: 69, max: 79 },
  relayDownloadMiBps: { min: 21, max: 24 },
  shellOpenToFirstPromptMs: { min: 170, max: 260 },
  /** Issue 10, measured side by side with Tether in one session. */
  idleAgentKibAfterGc: 25,
  keystrokeEchoMs: { p50: 0.31, p99: 3.8 },
} as const;
