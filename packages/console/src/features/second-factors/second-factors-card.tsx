import type { EnrolledFactor, RemoveFactorRequest, SecondFactorStatus } from '@tether/protocol';
import { useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { PasskeySection } from './passkey-section.js';
import { RecoveryCodesView } from './recovery-codes-view.js';
import { TotpEnrolmentForm } from './totp-enrolment.js';

/** A password, or a code (6 digits from the app, or a recovery code). */
function proofOf(text: string): RemoveFactorRequest | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  return /^[\d\s]{6,8}$/.test(value) || /^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/.test(value)
    ? { code: value }
    : { password: text };
}

function FactorsView({
  status,
  onChanged,
  onEnrolled,
}: {
  status: SecondFactorStatus;
  onChanged: () => void;
  onEnrolled: (result: EnrolledFactor) => void;
}) {
  const { user } = useConsole();
  const [proofText, setProofText] = useState('');
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [missingProof, setMissingProof] = useState(false);
  const proof = () => {
    const given = proofOf(proofText);
    setMissingProof(!given);
    return given;
  };
  const done = () => {
    setProofText('');
    onChanged();
  };
  const removeTotp = useAction((api, given: RemoveFactorRequest) => api.removeTotp(given), {
    onDone: done,
  });
  const regenerate = useAction(
    (api, given: RemoveFactorRequest) => api.regenerateRecoveryCodes(given),
    {
      onDone: (fresh) => {
        setCodes(fresh);
        done();
      },
    },
  );
  const hasFactor = status.totp || status.passkeys.length > 0;
  if (codes)
    return (
      <RecoveryCodesView codes={codes} username={user.username} onDone={() => setCodes(null)} />
    );
  return (
    <>
      {status.required && !hasFactor && (
        <Notice kind="warning">Your role requires a second factor: add one below.</Notice>
      )}
      <h3>Authenticator app</h3>
      {status.totp ? (
        <p data-testid="totp-enrolled">
          An authenticator app is enrolled.{' '}
          <button
            type="button"
            className="button button-small button-danger"
            disabled={removeTotp.isRunning}
            onClick={() => {
              const given = proof();
              if (given) removeTotp.run(given);
            }}
            data-testid="totp-remove"
          >
            Remove
          </button>
          {removeTotp.error && <span className="field-error"> {removeTotp.error}</span>}
        </p>
      ) : (
        <TotpEnrolmentForm onEnrolled={onEnrolled} />
      )}
      <PasskeySection
        passkeys={status.passkeys}
        proof={proof}
        onChanged={done}
        onEnrolled={onEnrolled}
      />
      {hasFactor && (
        <>
          <h3>Recovery codes</h3>
          <p data-testid="recovery-codes-left">
            {status.recoveryCodesLeft} unused recovery code
            {status.recoveryCodesLeft === 1 ? '' : 's'} left.{' '}
            <button
              type="button"
              className="button button-small"
              disabled={regenerate.isRunning}
              onClick={() => {
                const given = proof();
                if (given) regenerate.run(given);
              }}
              data-testid="recovery-codes-regenerate"
            >
              New recovery codes
            </button>
            {regenerate.error && <span className="field-error"> {regenerate.error}</span>}
          </p>
          <label className="field">
            <span>Current password or a code, to remove a factor or make new codes</span>
            <input
              type="password"
              autoComplete="current-password"
              value={proofText}
              onChange={(event) => {
                setMissingProof(false);
                setProofText(event.target.value);
              }}
              data-testid="second-factor-proof"
            />
          </label>
          {missingProof && (
            <p className="field-error">Enter your current password or a code first.</p>
          )}
        </>
      )}
    </>
  );
}

/**
 * The signed-in user's second factors on My account: an authenticator app, passkeys and
 * recovery codes. `onEnrolled` runs after a factor was added (the forced enrolment ends there).
 *
 * @example
 * <SecondFactorsCard />
 */
export function SecondFactorsCard({ onEnrolled }: { onEnrolled?: () => void }) {
  const { user } = useConsole();
  const [status, reload] = useLoad((api) => api.mySecondFactors(), []);
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const enrolled = (result: EnrolledFactor) => {
    if (result.recoveryCodes) setCodes(result.recoveryCodes);
    else onEnrolled?.();
    reload();
  };
  if (codes)
    return (
      <RecoveryCodesView
        codes={codes}
        username={user.username}
        onDone={() => {
          setCodes(null);
          onEnrolled?.();
        }}
      />
    );
  return (
    <section className="card" data-testid="second-factors">
      <h2>Two-factor sign-in</h2>
      <Loaded load={status} onRetry={reload}>
        {(value) => <FactorsView status={value} onChanged={reload} onEnrolled={enrolled} />}
      </Loaded>
    </section>
  );
}
