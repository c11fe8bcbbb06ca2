import './api-reference.css';
import { useMemo, useState } from 'react';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { useLoad } from '../../hooks/use-load.js';
import { readApiReference, type ApiOperation, type ApiReference } from './api-model.js';
import { loadOpenApiDocument, OPENAPI_PATH } from './load-document.js';
import { OperationView } from './operation-view.js';
import { Prose } from './prose.js';

function matches(operation: ApiOperation, filter: string): boolean {
  if (filter === '') return true;
  const haystack = [
    operation.method,
    operation.path,
    operation.summary,
    operation.permission,
    operation.id,
    ...operation.tags,
  ]
    .join(' ')
    .toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

function Reference({ reference, document }: { reference: ApiReference; document: unknown }) {
  const [filter, setFilter] = useState('');
  const groups = reference.groups
    .map((group) => ({
      ...group,
      operations: group.operations.filter((operation) => matches(operation, filter.trim())),
    }))
    .filter((group) => group.operations.length > 0);
  return (
    <>
      <Prose text={reference.description} />
      {reference.schemes.length > 0 && (
        <section className="card api-schemes" data-testid="api-schemes">
          <h2 className="section-title">Authentication</h2>
          <ul>
            {reference.schemes.map((scheme) => (
              <li key={scheme.name} data-testid="api-scheme" data-name={scheme.name}>
                <code>{scheme.name}</code>: {scheme.how}
                {scheme.description && <> — {scheme.description}</>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <label className="field field-wide">
        <span>Filter</span>
        <input
          type="search"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="Method, path, permission or words of the summary"
          data-testid="api-filter"
        />
      </label>
      <nav className="api-toc small" aria-label="API areas">
        {groups.map((group) => (
          <a key={group.name} href={`#api-${encodeURIComponent(group.name)}`}>
            {group.name} ({group.operations.length})
          </a>
        ))}
      </nav>
      {groups.length === 0 && <p className="muted">No operation matches “{filter}”.</p>}
      {groups.map((group) => (
        <section
          key={group.name}
          id={`api-${encodeURIComponent(group.name)}`}
          className="api-group"
          data-testid="api-group"
          data-name={group.name}
        >
          <h2 className="section-title">{group.name}</h2>
          <Prose text={group.description} className="muted" />
          {group.operations.map((operation) => (
            <OperationView
              key={operation.id}
              operation={operation}
              schemes={reference.schemes}
              document={document}
            />
          ))}
        </section>
      ))}
    </>
  );
}

/**
 * The server's API, read from its OpenAPI document: operations by area with who may call them,
 * parameters, bodies and answers, and the raw document to download for tools.
 *
 * @example
 * <ApiReferencePage />
 */
export function ApiReferencePage() {
  const [document, reload] = useLoad(() => loadOpenApiDocument(), []);
  const reference = useMemo(
    () => (document.state === 'ready' ? readApiReference(document.value) : undefined),
    [document],
  );
  return (
    <>
      <PageHeader
        title="API reference"
        subtitle={
          reference
            ? `${reference.title}${reference.version ? `, version ${reference.version}` : ''} — ${reference.operations.length} operations (OpenAPI ${reference.openapi ?? '?'})`
            : 'The HTTP API of this server, from its OpenAPI document.'
        }
        actions={
          <a
            className="button"
            href={OPENAPI_PATH}
            download="tether-openapi.json"
            data-testid="api-download"
          >
            Download OpenAPI document
          </a>
        }
      />
      <Loaded load={document} onRetry={reload}>
        {(value) => reference && <Reference reference={reference} document={value} />}
      </Loaded>
    </>
  );
}
