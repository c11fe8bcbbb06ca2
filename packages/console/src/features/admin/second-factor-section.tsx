import type { RoleView, SecondFactorSettings } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Checkbox } from '../../components/checkbox.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

function RequiredRolesForm({
  initial,
  allRoles,
}: {
  initial: SecondFactorSettings;
  allRoles: readonly RoleView[];
}) {
  const [roles, setRoles] = useState<ReadonlySet<string>>(new Set(initial.requiredRoles));
  const [isSaved, setSaved] = useState(false);
  const save = useAction(
    (api) =>
      api.updateSecondFactorSettings({
        requiredRoles: allRoles.map((role) => role.id).filter((id) => roles.has(id)),
      }),
    { onDone: () => setSaved(true) },
  );
  const toggle = (role: string, checked: boolean) => {
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
      <p className="muted field-wide">
        Users of these roles must have a second factor (an authenticator app or a passkey). One who
        has none is asked to add one right after their password, before anything else. Single
        sign-on users answer to their provider&apos;s second factor instead.
      </p>
      {allRoles.map((role) => (
        <Checkbox
          key={role.id}
          isWide
          checked={roles.has(role.id)}
          onChange={(checked) => toggle(role.id, checked)}
          testId={`second-factor-required-${role.builtIn ? role.id : role.name}`}
        >
          Require a second factor for the role {role.name}
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
 * The admin console's Second factor: the roles whose users must have one.
 *
 * @example
 * <SecondFactorSection />
 */
export function SecondFactorSection() {
  const [settings, reload] = useLoad(async (api) => {
    const [value, roles] = await Promise.all([api.getSecondFactorSettings(), api.listRoles()]);
    return { value, roles };
  }, []);
  return (
    <>
      <PageHeader title="Second factor" subtitle="Which roles must sign in with a second factor." />
      <Loaded load={settings} onRetry={reload}>
        {({ value, roles }) => <RequiredRolesForm initial={value} allRoles={roles} />}
      </Loaded>
    </>
  );
}
