import type {
  ApiContent,
  ApiOperation,
  ApiParameter,
  ApiRequirement,
  ApiScheme,
} from './api-model.js';
import { Prose } from './prose.js';
import { SchemaView } from './schema-view.js';

/** Who may call: each alternative's schemes, or "anyone" for an operation without security. */
function accessText(security: ApiRequirement[], schemes: readonly ApiScheme[]): string {
  if (security.length === 0) return 'Anyone (no authentication)';
  const describe = (name: string) => {
    const scheme = schemes.find((candidate) => candidate.name === name);
    return scheme ? `${name} (${scheme.how})` : name;
  };
  return security
    .map((requirement) =>
      requirement.length === 0
        ? 'anyone'
        : requirement
            .map(({ scheme, scopes }) =>
              scopes.length > 0
                ? `${describe(scheme)} with ${scopes.join(', ')}`
                : describe(scheme),
            )
            .join(' and '),
    )
    .join(', or ');
}

function Parameters({ parameters, document }: { parameters: ApiParameter[]; document: unknown }) {
  if (parameters.length === 0) return null;
  return (
    <section>
      <h4>Parameters</h4>
      <table className="table table-compact" data-testid="api-parameters">
        <thead>
          <tr>
            <th>Name</th>
            <th>In</th>
            <th>Required</th>
            <th>Schema and description</th>
          </tr>
        </thead>
        <tbody>
          {parameters.map((parameter) => (
            <tr key={`${parameter.in}:${parameter.name}`} data-testid="api-parameter">
              <td className="mono">{parameter.name}</td>
              <td>{parameter.in}</td>
              <td>{parameter.isRequired ? 'yes' : 'no'}</td>
              <td>
                <Prose text={parameter.description} className="small" />
                {parameter.schema !== undefined && (
                  <SchemaView document={document} schema={parameter.schema} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Contents({ content, document }: { content: ApiContent[]; document: unknown }) {
  return (
    <>
      {content.map((item) => (
        <div key={item.mediaType} className="api-content">
          <span className="mono small muted">{item.mediaType}</span>
          <Prose text={item.description} className="small" />
          {item.schema !== undefined && <SchemaView document={document} schema={item.schema} />}
        </div>
      ))}
    </>
  );
}

/**
 * One operation: its line (method, path, summary, permission) and, opened, who may call it,
 * parameters, request body and answers.
 *
 * @example
 * <OperationView operation={operation} schemes={reference.schemes} document={document} />
 */
export function OperationView({
  operation,
  schemes,
  document,
}: {
  operation: ApiOperation;
  schemes: readonly ApiScheme[];
  document: unknown;
}) {
  return (
    <details
      className="api-operation"
      data-testid="api-operation"
      data-operation-id={operation.id}
      data-method={operation.method}
      data-path={operation.path}
    >
      <summary data-testid="api-operation-summary">
        <span className={`api-method api-method-${operation.method.toLowerCase()}`}>
          {operation.method}
        </span>{' '}
        <code className="api-path" data-testid="api-path">
          {operation.path}
        </code>{' '}
        <span className="api-summary">{operation.summary ?? ''}</span>
        {operation.isDeprecated && <span className="badge badge-expired">deprecated</span>}
        {operation.permission && (
          <span
            className="badge badge-action"
            data-testid="api-permission"
            title={operation.permissionSource}
          >
            {operation.permission}
          </span>
        )}
      </summary>
      <div className="api-operation-body">
        <Prose text={operation.description} />
        <p className="small">
          <strong>Who may call it:</strong>{' '}
          <span data-testid="api-access">{accessText(operation.security, schemes)}</span>
          {operation.permission && (
            <>
              {' '}
              — permission <code>{operation.permission}</code>
            </>
          )}
          . <span className="muted">Operation ID</span> <code>{operation.id}</code>
        </p>
        <Parameters parameters={operation.parameters} document={document} />
        {operation.requestBody && (
          <section data-testid="api-request-body">
            <h4>Request body {operation.requestBody.isRequired ? '(required)' : '(optional)'}</h4>
            <Prose text={operation.requestBody.description} className="small" />
            <Contents content={operation.requestBody.content} document={document} />
          </section>
        )}
        <section>
          <h4>Answers</h4>
          {operation.responses.length === 0 && <p className="muted small">Not documented.</p>}
          <ul className="api-responses">
            {operation.responses.map((response) => (
              <li key={response.status} data-testid="api-response" data-status={response.status}>
                <span className={`badge ${response.isError ? 'badge-revoked' : 'badge-active'}`}>
                  {response.status}
                </span>{' '}
                <Prose text={response.description} className="inline small" />
                {response.headers.map((header) => (
                  <div key={header.name} className="small">
                    Header <code>{header.name}</code>:{' '}
                    <Prose text={header.description} className="inline" />
                  </div>
                ))}
                {response.isError && response.content.length > 0 ? (
                  <details>
                    <summary className="small muted">Error body</summary>
                    <Contents content={response.content} document={document} />
                  </details>
                ) : (
                  <Contents content={response.content} document={document} />
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </details>
  );
}
