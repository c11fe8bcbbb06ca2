import { resolveRef } from './json-pointer.js';
import { Prose } from './prose.js';
import { describeSchema, label, type SchemaNode } from './schema-model.js';

function Facts({ node }: { node: SchemaNode }) {
  if (node.facts.length === 0) return null;
  return <span className="schema-facts">{node.facts.join(' · ')}</span>;
}

/** The parts of a node under its one-line type: fields, items, map values, alternatives. */
function NodeBody({ node }: { node: SchemaNode }) {
  if (node.isCut)
    return <p className="muted small">{label(node)} is described above, or in the JSON schema.</p>;
  if (node.broken) return <p className="muted small">Unresolved reference {node.broken}</p>;
  return (
    <>
      {node.fields && node.fields.length > 0 && (
        <ul className="schema-fields" data-testid="schema-fields">
          {node.fields.map((field) => (
            <li key={field.name} data-testid="schema-field" data-name={field.name}>
              <code className="schema-name">{field.name}</code>{' '}
              <span className="schema-type">{label(field.node)}</span>{' '}
              {field.isRequired ? (
                <span className="badge badge-required">required</span>
              ) : (
                <span className="muted small">optional</span>
              )}{' '}
              <Facts node={field.node} />
              <Prose text={field.node.description} className="small" />
              <NodeBody node={field.node} />
            </li>
          ))}
        </ul>
      )}
      {node.items && (node.items.fields ?? node.items.alternatives) && (
        <div className="schema-nested">
          <span className="muted small">Each item:</span>
          <NodeBody node={node.items} />
        </div>
      )}
      {node.values && (
        <div className="schema-nested">
          <span className="muted small">Map of names to {label(node.values)}</span>
          <NodeBody node={node.values} />
        </div>
      )}
      {node.alternatives && (
        <div className="schema-nested">
          <span className="muted small">{node.alternatives.kind}:</span>
          <ol className="schema-alternatives">
            {node.alternatives.options.map((option, index) => (
              <li key={index}>
                <span className="schema-type">{label(option)}</span> <Facts node={option} />
                <Prose text={option.description} className="small" />
                <NodeBody node={option} />
              </li>
            ))}
          </ol>
        </div>
      )}
    </>
  );
}

/**
 * A schema as a readable field list, with the schema itself as collapsed JSON beneath.
 *
 * @example
 * <SchemaView document={document} schema={content.schema} />
 */
export function SchemaView({ document, schema }: { document: unknown; schema: unknown }) {
  const node = describeSchema(document, schema);
  return (
    <div className="schema" data-testid="schema">
      <div>
        <span className="schema-type strong">{label(node)}</span>
        {node.refName && node.type !== node.refName && (
          <span className="muted small"> ({node.type})</span>
        )}{' '}
        <Facts node={node} />
      </div>
      <Prose text={node.description} className="small" />
      <NodeBody node={node} />
      <details className="schema-json">
        <summary className="small">JSON schema</summary>
        <pre className="mono small">
          {JSON.stringify(resolveRef(document, schema).value, null, 2)}
        </pre>
      </details>
    </div>
  );
}
