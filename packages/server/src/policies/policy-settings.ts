import {
  AppError,
  type PolicySettings,
  type PolicySettingsInput,
  type PolicySettingsUpdate,
} from '@tether/protocol';

/**
 * Settings as stored: an empty `recording` object is dropped, so "sets nothing" has one form.
 *
 * @example
 * normaliseSettings({ recording: {} }) // {}
 */
export function normaliseSettings(settings: PolicySettingsInput): PolicySettings {
  const recording = settings.recording ?? {};
  return {
    ...(Object.keys(recording).length > 0 ? { recording: { ...recording } } : {}),
    ...(settings.customStorage ? { customStorage: { ...settings.customStorage } } : {}),
    ...(settings.assistance && Object.keys(settings.assistance).length > 0
      ? { assistance: { ...settings.assistance } }
      : {}),
    ...(settings.sessions?.concurrent !== undefined
      ? { sessions: { concurrent: settings.sessions.concurrent } }
      : {}),
  };
}

/**
 * The settings an update stores: the request's, with the stored custom storage credential kept
 * when the request omits it. Refused when it is omitted and none is stored yet.
 *
 * @example
 * mergeSettingsUpdate({ customStorage: { url, authentication: 'password' } }, stored)
 */
export function mergeSettingsUpdate(
  update: PolicySettingsUpdate,
  stored: PolicySettings,
): PolicySettings {
  const { customStorage, ...rest } = update;
  if (!customStorage) return normaliseSettings(rest);
  const credential = customStorage.credential ?? stored.customStorage?.credential;
  if (credential === undefined) {
    throw new AppError(
      'INVALID_INPUT',
      'Invalid policy: settings.customStorage.credential: paste the sealed credential (the CMS message from `tether storage seal --cert FILE` or Protect-CmsMessage); this policy has none stored yet.',
      { issues: ['settings.customStorage.credential: required'] },
    );
  }
  return normaliseSettings({ ...rest, customStorage: { ...customStorage, credential } });
}
