import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { DisplayNameField } from '../users/user-fields.js';
import { SecondFactorsCard } from '../second-factors/second-factors-card.js';
import { ChangePasswordForm } from './change-password-form.js';
import { SignInList, type SignInCalls } from './sign-in-list.js';

const MY_SIGN_INS: SignInCalls = {
  list: (api) => api.listMySignIns(),
  end: (api, signInId) => api.endMySignIn(signInId),
  endAll: (api) => api.signOutEverywhereElse(),
};

/**
 * The signed-in user's own account: display name, password, second factors, and where they are
 * signed in.
 *
 * @example
 * <AccountPage />
 */
export function AccountPage() {
  const { api, user, roleName, onUserChanged } = useConsole();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [saved, setSaved] = useState<string | null>(null);
  const rename = useAction(
    (client) => client.updateMyAccount({ displayName: displayName.trim() }),
    {
      onDone: (changed) => {
        onUserChanged(changed);
        setSaved('Display name saved.');
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSaved(null);
    rename.run();
  };
  return (
    <>
      <PageHeader title="My account" subtitle={`Signed in as ${user.username} (${roleName}).`} />
      {saved && (
        <Notice kind="info" onDismiss={() => setSaved(null)}>
          {saved}
        </Notice>
      )}
      <form className="card form-grid" onSubmit={onSubmit} data-testid="account-form">
        <h2>Display name</h2>
        <DisplayNameField
          value={displayName}
          onChange={setDisplayName}
          testId="account-display-name"
        />
        <FormSubmit action={rename} label="Save" testId="account-save" />
      </form>
      <ChangePasswordForm
        api={api}
        className="card"
        onChanged={(changed) => {
          onUserChanged(changed);
          setSaved('Password changed. Your other sign-ins have ended.');
        }}
      >
        <h2>Password</h2>
      </ChangePasswordForm>
      <SecondFactorsCard />
      <section className="card" data-testid="account-sign-ins">
        <h2>Where you are signed in</h2>
        <SignInList calls={MY_SIGN_INS} subject="You are" />
      </section>
    </>
  );
}
