import { Role, type SecondFactorSettings } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Checkbox } from '../../components/checkbox.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

function RequiredRolesForm({ initial }: { initial: SecondFactorSettings }) {
  const [roles, setRoles] = useState<ReadonlySet<Role>>(new Set(initial.requiredRoles));
  const [isSaved, setSaved] = useState(false);
  const save = useAction(
    (api) =>
      api.updateSecondFactorSettings({
        requiredRoles: Role.options.filter((role) => roles.has(role)),
      }),
    { onDone: () => setSaved(true) },
  );
  const toggle = (role: Role, checked: boolean) => {
    setSaved(false);
    setRoles((previous) => {
      const next = new Set(previous);
      if (checked) next.add(role);
      else next.delete(role);
      return next;
    });
  };
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="second-factor-settings">
      <h2 className="field-wide">Two-factor sign-in</h2>
      <p className="muted field-wide">
        Users of these roles must have a second factor (an authenticator app or a passkey). One who
        has none is asked to add one right after their password, before anything else. Single
        sign-on users answer to their provider&apos;s second factor instead.
      </p>
      {Role.options.map((role) => (
        <Checkbox
          key={role}
          isWide
          checked={roles.has(role)}
          onChange={(checked) => toggle(role, checked)}
          testId={`second-factor-required-${role}`}
        >
          Require a second factor for {role}s
        </Checkbox>
      ))}
      {isSaved && (
        <div className="field-wide">
          <Notice kind="success">Saved.</Notice>
        </div>
      )}
      <FormSubmit action={save} label="Save" testId="second-factor-settings-save" />
    </form>
  );
}

/**
 * The administrator's choice of roles that require a second factor (Settings).
 *
 * @example
 * <SecondFactorSettingsCard />
 */
export function SecondFactorSettingsCard() {
  const [settings, reload] = useLoad((api) => api.getSecondFactorSettings(), []);
  return (
    <Loaded load={settings} onRetry={reload}>
      {(value) => <RequiredRolesForm initial={value} />}
    </Loaded>
  );
}
