import { z } from 'zod';

/**
 * Connection admission of agents: how many agent control connections the server accepts
 * per second, fleet-wide. Over the rate an agent is told how long to wait and comes back then,
 * so a mass reconnect (a server restart, an outage, an upgrade) is spread over time instead of
 * competing with the technicians for the server. 50/s suits a small server; a large one takes
 * 300/s and more.
 *
 * @example
 * const settings: AdmissionSettings = { agentsPerSec: 300 };
 */
export const AdmissionSettings = z.object({
  agentsPerSec: z.int().min(1).max(100_000),
});
export type AdmissionSettings = z.infer<typeof AdmissionSettings>;

export const DEFAULT_ADMISSION_SETTINGS: AdmissionSettings = { agentsPerSec: 50 };

/**
 * The settings in force and what admission did since this server process started: enough to
 * see whether the rate holds a reconnect storm back (many refusals) or is never reached.
 */
export const AdmissionView = AdmissionSettings.extend({
  /** Agent control connections accepted since the server started. */
  admitted: z.int().min(0),
  /** Agent connections told to come back later since the server started. */
  deferred: z.int().min(0),
  /** How far ahead the latest deferred agent was asked to come back, in ms (0: no queue). */
  queueMs: z.int().min(0),
});
export type AdmissionView = z.infer<typeof AdmissionView>;
