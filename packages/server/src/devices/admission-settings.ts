import {
  AdmissionSettings,
  AppError,
  DEFAULT_ADMISSION_SETTINGS,
  type AdmissionView,
} from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { AdmissionGate, type AdmissionDecision } from './agent-admission.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'admission';

/** The agents' admission rate (A-13) saved by an administrator, or the default (50/s). */
export async function readAdmissionSettings(
  store: Pick<Store, 'settings'>,
): Promise<AdmissionSettings> {
  return readSetting(store.settings, KEY, AdmissionSettings, DEFAULT_ADMISSION_SETTINGS);
}

/** Validates, then saves; a bad rate throws `INVALID_INPUT` and nothing is stored. */
export async function writeAdmissionSettings(
  store: Pick<Store, 'settings'>,
  settings: AdmissionSettings,
): Promise<AdmissionSettings> {
  const parsed = AdmissionSettings.safeParse(settings);
  if (!parsed.success)
    throw new AppError(
      'INVALID_INPUT',
      `The admission rate must be a whole number of agents per second from 1 to 100000, not ${String(settings.agentsPerSec)}.`,
    );
  await store.settings.set(KEY, parsed.data);
  return parsed.data;
}

/**
 * The admission gate with its settings, as the agents' upgrade path reads it: synchronously,
 * from memory; reloaded after a change in the admin console and periodically (a headless
 * `tether admin admission set` in the same database).
 *
 * @example
 * const admission = await loadAdmissionState(store, clock);
 * const decision = admission.admit();
 */
export interface AdmissionState {
  admit(): AdmissionDecision;
  settings(): AdmissionSettings;
  view(): AdmissionView;
  reload(): Promise<void>;
}

export async function loadAdmissionState(
  store: Pick<Store, 'settings'>,
  clock: Clock,
): Promise<AdmissionState> {
  const now = (): number => clock.now().getTime();
  let settings = await readAdmissionSettings(store);
  const gate = new AdmissionGate(settings.agentsPerSec, now());
  return {
    admit: () => gate.admit(now()),
    settings: () => settings,
    view: () => ({ ...settings, ...gate.counts(now()) }),
    async reload() {
      const next = await readAdmissionSettings(store);
      if (next.agentsPerSec !== settings.agentsPerSec) gate.setRate(next.agentsPerSec, now());
      settings = next;
    },
  };
}
