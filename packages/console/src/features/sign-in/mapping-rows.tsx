import type { GroupRoleMapping } from '@tether/protocol';
import { useState } from 'react';
import { useRoleOptions } from './use-role-options.js';
import { without } from './directory-draft.js';

/**
 * The group → role and teams rows of a directory or a single sign-on provider. The first row
 * whose group the user is in decides the role; teams add up. Without a default role, unmapped
 * users are refused.
 *
 * @example
 * <MappingRows mapping={mapping} onChange={setMapping} groupHint="LDAP group DN" />
 */
export function MappingRows({
  mapping,
  onChange,
  groupHint,
}: {
  mapping: GroupRoleMapping;
  onChange: (mapping: GroupRoleMapping) => void;
  groupHint: string;
}) {
  const roles = useRoleOptions([
    ...mapping.rules.map((rule) => rule.role),
    mapping.defaultRole ?? '',
  ]);
  const setRule = (index: number, change: Partial<GroupRoleMapping['rules'][number]>) =>
    onChange({
      ...mapping,
      rules: mapping.rules.map((rule, at) => (at === index ? { ...rule, ...change } : rule)),
    });
  return (
    <fieldset className="field-wide" data-testid="mapping">
      <legend>Group mapping (the first matching row gives the role; teams add up)</legend>
      {mapping.rules.map((rule, index) => (
        <div className="form-grid" key={index} data-testid="mapping-row">
          <label className="field">
            <span>Group</span>
            <input
              value={rule.group}
              placeholder={groupHint}
              onChange={(event) => setRule(index, { group: event.target.value })}
              data-testid="mapping-group"
            />
          </label>
          <label className="field">
            <span>Role</span>
            <select
              value={rule.role}
              onChange={(event) => setRule(index, { role: event.target.value })}
              data-testid="mapping-role"
            >
              {roles.map((role) => (
                <option key={role.id} value={role.id}>
                  {role.name}
                </option>
              ))}
            </select>
          </label>
          <TeamsField teams={rule.teams} onChange={(teams) => setRule(index, { teams })} />
          <button
            type="button"
            className="button"
            onClick={() =>
              onChange({ ...mapping, rules: mapping.rules.filter((_, at) => at !== index) })
            }
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button"
        onClick={() =>
          onChange({
            ...mapping,
            rules: [...mapping.rules, { group: '', role: 'technician', teams: [] }],
          })
        }
        data-testid="mapping-add"
      >
        Add a group
      </button>
      <label className="field">
        <span>Users of no mapped group</span>
        <select
          value={mapping.defaultRole ?? ''}
          onChange={(event) => {
            const rest = without(mapping, 'defaultRole');
            const role = event.target.value;
            onChange(role === '' ? rest : { ...rest, defaultRole: role });
          }}
          data-testid="mapping-default"
        >
          <option value="">Are refused</option>
          {roles.map((role) => (
            <option key={role.id} value={role.id}>
              Get the role {role.name}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

/**
 * Team names typed as one comma-separated line: the text stays as typed (a trailing comma
 * included) while the mapping gets the names.
 */
function TeamsField({
  teams,
  onChange,
}: {
  teams: readonly string[];
  onChange: (teams: string[]) => void;
}) {
  const [text, setText] = useState(teams.join(', '));
  // The row may change from outside (a row above removed): then show what it holds.
  const shown = teamNames(text).join('\n') === teams.join('\n') ? text : teams.join(', ');
  return (
    <label className="field">
      <span>Teams (comma-separated)</span>
      <input
        value={shown}
        onChange={(event) => {
          setText(event.target.value);
          onChange(teamNames(event.target.value));
        }}
        data-testid="mapping-teams"
      />
    </label>
  );
}

function teamNames(text: string): string[] {
  return text
    .split(',')
    .map((team) => team.trim())
    .filter((team) => team !== '');
}

/** The mapping to save: group names trimmed, rows left without a group dropped. */
export function cleanMapping(mapping: GroupRoleMapping): GroupRoleMapping {
  const rules = mapping.rules
    .map((rule) => ({ ...rule, group: rule.group.trim() }))
    .filter((rule) => rule.group !== '');
  return { ...mapping, rules };
}
