import { AppError } from '@tether/protocol/agent';
import {
  EPHEMERAL_MAX_OFFLINE_MINUTES,
  INSTALL_OVERRIDE_OPTIONS,
  InstallOverrides,
  type InstallerAttributeName,
  type InstallerConfig,
  type InstallOverrideOption,
} from '@tether/protocol/agent-package';
import type { GivenOverrides } from './install-arguments.js';

/** `--jc-jump-group jumpgroup:NAME` (or a bare name) is a shared device group. */
function groupName(text: string): string {
  if (text.startsWith('user:')) {
    throw new AppError(
      'INVALID_INPUT',
      `--jc-jump-group ${text}: Tether has no personal device groups; give a shared group as jumpgroup:NAME.`,
    );
  }
  return text.startsWith('jumpgroup:') ? text.slice('jumpgroup:'.length) : text;
}

function minutes(text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new AppError(
      'INVALID_INPUT',
      `--jc-max-offline-minutes ${text}: give a whole number of minutes.`,
    );
  }
  return Number(text);
}

/** One option's value as its attribute's value (types checked by the schema afterwards). */
function attributeValue(option: InstallOverrideOption, value: string | boolean): unknown {
  const text = typeof value === 'string' ? value : '';
  switch (option) {
    case 'jc-jump-group':
      return groupName(text);
    case 'jc-max-offline-minutes':
      return minutes(text);
    case 'jc-ephemeral':
      return value === true ? EPHEMERAL_MAX_OFFLINE_MINUTES : undefined;
    case 'jc-minimize-on-start':
      return value === true;
    case 'jc-name':
    case 'jc-comments':
    case 'jc-tag':
    case 'jc-jump-policy':
    case 'jc-session-policy-present':
    case 'jc-session-policy-not-present':
    case 'jc-public-site-address':
    case 'jc-connection-type':
    case 'jc-mode':
      return text;
  }
}

/**
 * Turns the `--jc-*` options given into the installer's attributes, refusing any attribute the
 * installer does not let installs override (the server checks again at enrolment). Throws
 * before anything is installed, with the option and the reason.
 *
 * @example
 * resolveOverrides({ 'jc-tag': 'web' }, config); // { tag: 'web' } when tag is overridable
 */
export function resolveOverrides(given: GivenOverrides, config: InstallerConfig): InstallOverrides {
  if (given['jc-ephemeral'] === true && given['jc-max-offline-minutes'] !== undefined) {
    throw new AppError(
      'INVALID_INPUT',
      'Give --jc-ephemeral or --jc-max-offline-minutes, not both.',
    );
  }
  const raw: Partial<Record<InstallerAttributeName, unknown>> = {};
  for (const [option, value] of Object.entries(given) as [
    InstallOverrideOption,
    string | boolean,
  ][]) {
    const attribute = INSTALL_OVERRIDE_OPTIONS[option];
    if (!config.overridable.includes(attribute)) {
      throw new AppError(
        'FORBIDDEN',
        `--${option}: this installer does not allow overriding "${attribute}" at install time. Remove the option, or ask your administrator for an installer that allows it.`,
      );
    }
    const converted = attributeValue(option, value);
    if (converted !== undefined) raw[attribute] = converted;
  }
  const parsed = InstallOverrides.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const attribute = String(issue?.path[0] ?? '');
    const option = Object.entries(INSTALL_OVERRIDE_OPTIONS).find(
      ([, name]) => name === attribute,
    )?.[0];
    throw new AppError(
      'INVALID_INPUT',
      `--${option ?? attribute}: ${issue?.message ?? 'not a valid value'}.`,
    );
  }
  return parsed.data;
}
