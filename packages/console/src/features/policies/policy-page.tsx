import type { Policy } from '@tether/protocol';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { navigate } from '../../routing/navigation.js';
import { PolicyAssignments } from './policy-assignments.js';
import { PolicyForm } from './policy-form.js';
import { useConsole } from '../../api/console-context.js';
import { NotAllowed } from '../../components/not-allowed.js';

function DeletePolicy({ policy }: { policy: Policy }) {
  const remove = useAction((api) => api.deletePolicy(policy.id), {
    onDone: () => navigate('/policies'),
  });
  return (
    <>
      <button
        type="button"
        className="button button-danger"
        disabled={remove.isRunning}
        onClick={() => {
          if (window.confirm(`Delete the policy "${policy.name}"? It stops applying at once.`))
            remove.run();
        }}
        data-testid="policy-delete"
      >
        Delete policy
      </button>
      {remove.error && (
        <Notice kind="error" onDismiss={remove.clearError}>
          {remove.error}
        </Notice>
      )}
    </>
  );
}

/**
 * A new policy: its settings form; once created, the page moves to the policy to assign it.
 *
 * @example
 * <NewPolicyPage />
 */
export function NewPolicyPage() {
  return (
    <>
      <p className="breadcrumb">
        <Link href="/policies">← Policies</Link>
      </p>
      <PageHeader
        title="New policy"
        subtitle="Create the policy, then assign it to device groups or devices."
      />
      <PolicyForm
        onSaved={(created) =>
          navigate(`/policies/${encodeURIComponent(created.id)}`, { replace: true })
        }
      />
    </>
  );
}

/**
 * One policy: its settings and where it is assigned.
 *
 * @example
 * <PolicyPage policyId={id} />
 */
export function PolicyPage({ policyId }: { policyId: string }) {
  const [loaded, reload, replace] = useLoad((api) => api.getPolicy(policyId), [policyId]);
  const [devices, reloadDevices] = useLoad((api) => api.listDevices(), []);
  // Read-only for a role that may see policies but not change them: every control disabled.
  const mayChange = useConsole().can('policies.manage');
  return (
    <>
      <p className="breadcrumb">
        <Link href="/policies">← Policies</Link>
      </p>
      <Loaded load={loaded} onRetry={reload}>
        {(policy) => (
          <>
            <PageHeader
              title={policy.name}
              subtitle={policy.description || undefined}
              actions={
                mayChange ? (
                  <DeletePolicy policy={policy} />
                ) : (
                  <NotAllowed permission="policies.manage" />
                )
              }
            />
            <fieldset className="fieldset-plain" disabled={!mayChange}>
              <PolicyForm policy={policy} onSaved={replace} />
              <Loaded load={devices} onRetry={reloadDevices}>
                {(list) => <PolicyAssignments policy={policy} devices={list} onSaved={replace} />}
              </Loaded>
            </fieldset>
          </>
        )}
      </Loaded>
    </>
  );
}
