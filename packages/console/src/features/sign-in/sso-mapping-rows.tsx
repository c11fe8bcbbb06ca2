import type { Role, GroupRoleMapping } from '@tether/protocol';
import { useRoleOptions } from './use-role-options.js';

/** A mapping row as typed: teams as one comma-separated line. */
export interface MappingRow {
  group: string;
  role: Role;
  teams: string;
}

export function rowsOf(mapping: GroupRoleMapping): MappingRow[] {
  return mapping.rules.map((rule) => ({ ...rule, teams: rule.teams.join(', ') }));
}

export function mappingOf(rows: readonly MappingRow[], defaultRole: Role): GroupRoleMapping {
  const rules = rows
    .filter((row) => row.group.trim() !== '')
    .map((row) => {
      const teams = row.teams
        .split(',')
        .map((team) => team.trim())
        .filter(Boolean);
      return { group: row.group.trim(), role: row.role, teams };
    });
  return { rules, ...(defaultRole && { defaultRole }) };
}

/**
 * The group → role and teams rows of a provider, and the role of users no row maps (none:
 * they are refused).
 */
export function SsoMappingRows({
  rows,
  defaultRole,
  onChange,
  onDefaultRole,
}: {
  rows: readonly MappingRow[];
  defaultRole: Role;
  onChange: (rows: MappingRow[]) => void;
  onDefaultRole: (role: Role) => void;
}) {
  const roles = useRoleOptions([...rows.map((row) => row.role), defaultRole]);
  const change = (index: number, patch: Partial<MappingRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="field-wide sso-mapping" data-testid="sso-mapping">
      <legend>Group mapping (the first matching row gives the role; teams add up)</legend>
      {rows.map((row, index) => (
        <div className="sso-mapping-row" key={index} data-testid="sso-mapping-row">
          <input
            aria-label="Group"
            placeholder="Group as the provider sends it"
            value={row.group}
            onChange={(event) => change(index, { group: event.target.value })}
            data-testid="sso-mapping-group"
          />
          <select
            aria-label="Role"
            value={row.role}
            onChange={(event) => change(index, { role: event.target.value })}
            data-testid="sso-mapping-role"
          >
            {roles.map((role) => (
              <option key={role.id} value={role.id}>
                {role.name}
              </option>
            ))}
          </select>
          <input
            aria-label="Teams"
            placeholder="Teams, comma-separated"
            value={row.teams}
            onChange={(event) => change(index, { teams: event.target.value })}
          />
          <button
            type="button"
            className="button-link"
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button"
        onClick={() => onChange([...rows, { group: '', role: 'technician', teams: '' }])}
        data-testid="sso-mapping-add"
      >
        Add a row
      </button>
      <label className="field">
        <span>Users no row maps</span>
        <select value={defaultRole} onChange={(event) => onDefaultRole(event.target.value)}>
          <option value="">Refuse them</option>
          {roles.map((role) => (
            <option key={role.id} value={role.id}>
              Sign them in as {role.name}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
