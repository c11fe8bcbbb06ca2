import type { DirectoryView } from '@tether/protocol';
import { SecretField, TextField, type DirectoryFieldsProps } from './text-field.js';

type Radius = Extract<DirectoryView, { type: 'radius' }>;

function parseServers(text: string): Radius['servers'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(.*?)(?::(\d+))?$/.exec(line);
      return { host: match?.[1] ?? line, port: Number(match?.[2] ?? 1812) };
    });
}

/**
 * The servers and protocol fields of a RADIUS directory.
 *
 * @example
 * <RadiusFields view={view} onChange={setView} secret={secret} onSecret={setSecret} />
 */
export function RadiusFields(props: DirectoryFieldsProps<Radius>) {
  const { view, onChange, secret, onSecret } = props;
  const set = (change: Partial<Radius>) => onChange({ ...view, ...change });
  return (
    <>
      <TextField
        label="Servers (host:port, one a line)"
        rows={2}
        value={view.servers.map((server) => `${server.host}:${server.port}`).join('\n')}
        onChange={(text) => set({ servers: parseServers(text) })}
        hint="The second is asked only when the first does not answer in time."
        testId="radius-servers"
      />
      <SecretField
        label="Shared secret"
        isSet={view.secretSet}
        value={secret}
        onChange={onSecret}
        testId="radius-secret"
      />
      <TextField
        label="Transmissions per server"
        type="number"
        value={String(view.retries)}
        onChange={(text) => set({ retries: Number(text) })}
        testId="radius-retries"
      />
      <TextField
        label="NAS-Identifier"
        value={view.nasIdentifier}
        onChange={(nasIdentifier) => set({ nasIdentifier })}
        testId="radius-nas"
      />
      <label className="field">
        <span>Groups from the reply attribute</span>
        <select
          value={view.groupAttribute}
          onChange={(event) =>
            set({ groupAttribute: event.target.value as Radius['groupAttribute'] })
          }
          data-testid="radius-group-attribute"
        >
          <option value="Class">Class</option>
          <option value="Filter-Id">Filter-Id</option>
        </select>
      </label>
    </>
  );
}
