import {
  secondFactorAdminEndpoints,
  secondFactorEndpoints,
  type EnrolledFactor,
  type RegisterPasskeyRequest,
  type RemoveFactorRequest,
  type SecondFactorSettings,
  type SecondFactorStatus,
  type TotpEnrolment,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** Second factors (issue 12): the signed-in user's own, and the administrators' side. */
export interface SecondFactorClient {
  mySecondFactors(): Promise<SecondFactorStatus>;
  /** A new authenticator-app secret and its `otpauth://` URI; active once confirmed. */
  startTotp(): Promise<TotpEnrolment>;
  /** Activates the app with a code from it; the first factor's reply carries recovery codes. */
  confirmTotp(code: string): Promise<EnrolledFactor>;
  removeTotp(proof: RemoveFactorRequest): Promise<void>;
  /** Ten new recovery codes; the old ones stop working. */
  regenerateRecoveryCodes(proof: RemoveFactorRequest): Promise<string[]>;
  /** WebAuthn creation options for `startRegistration({ optionsJSON })`. */
  passkeyRegistrationOptions(): Promise<Record<string, unknown>>;
  registerPasskey(request: RegisterPasskeyRequest): Promise<EnrolledFactor>;
  renamePasskey(passkeyId: string, name: string): Promise<void>;
  removePasskey(passkeyId: string, proof: RemoveFactorRequest): Promise<void>;
  getSecondFactorSettings(): Promise<SecondFactorSettings>;
  updateSecondFactorSettings(settings: SecondFactorSettings): Promise<SecondFactorSettings>;
  /** Removes every second factor of a user and signs them out everywhere (administrators). */
  resetUserSecondFactors(userId: string): Promise<void>;
}

/**
 * The second-factor calls; `createTetherClient` mixes them in. Which roles require one is set
 * over `admin`, the admin listener's transport (the admin console's own origin, or the client's
 * admin URL).
 *
 * @example
 * const { secret, uri } = await api.startTotp();
 * const { recoveryCodes } = await api.confirmTotp('123456');
 */
export function createSecondFactorClient(
  transport: HttpTransport,
  admin = transport,
): SecondFactorClient {
  const own = secondFactorEndpoints;
  const settings = secondFactorAdminEndpoints;
  return {
    mySecondFactors: () => callEndpoint(transport, own.status, {}),
    startTotp: () => callEndpoint(transport, own.startTotp, {}),
    confirmTotp: (code) => callEndpoint(transport, own.confirmTotp, { body: { code } }),
    removeTotp: (proof) => callEndpoint(transport, own.removeTotp, { body: proof }),
    regenerateRecoveryCodes: async (proof) =>
      (await callEndpoint(transport, own.regenerateRecoveryCodes, { body: proof })).codes,
    passkeyRegistrationOptions: async () =>
      (await callEndpoint(transport, own.passkeyOptions, {})).options,
    registerPasskey: (request) => callEndpoint(transport, own.registerPasskey, { body: request }),
    renamePasskey: (passkeyId, name) =>
      callEndpoint(transport, own.renamePasskey, { params: { id: passkeyId }, body: { name } }),
    removePasskey: (passkeyId, proof) =>
      callEndpoint(transport, own.removePasskey, { params: { id: passkeyId }, body: proof }),
    getSecondFactorSettings: () => callEndpoint(admin, settings.getSettings, {}),
    updateSecondFactorSettings: (body) => callEndpoint(admin, settings.setSettings, { body }),
    resetUserSecondFactors: (userId) =>
      callEndpoint(transport, settings.resetUser, { params: { id: userId } }),
  };
}
