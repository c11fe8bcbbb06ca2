import type { DirectoryTestResult } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { useAction } from '../../hooks/use-action.js';

/**
 * The "Test" panel of a saved directory: a username and password tried against it alone, and
 * what the server saw at each stage. Signs nobody in.
 *
 * @example
 * <DirectoryTestPanel id="corp" />
 */
export function DirectoryTestPanel({ id }: { id: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<DirectoryTestResult | null>(null);
  const test = useAction((api) => api.testDirectory(id, { username, password }), {
    onDone: (answer) => {
      setPassword('');
      setResult(answer);
    },
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setResult(null);
    test.run();
  };
  return (
    <form className="form-grid" onSubmit={onSubmit} data-testid="directory-test">
      <label className="field">
        <span>Username</span>
        <input
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          autoComplete="off"
          data-testid="directory-test-username"
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          value={password}
          autoComplete="off"
          onChange={(event) => setPassword(event.target.value)}
          data-testid="directory-test-password"
        />
      </label>
      <FormSubmit
        action={test}
        label="Test"
        busyLabel="Testing…"
        disabled={username === '' || password === ''}
        testId="directory-test-run"
      />
      {result && <TestResult result={result} />}
    </form>
  );
}

function TestResult({ result }: { result: DirectoryTestResult }) {
  return (
    <div className="field-wide" data-testid="directory-test-result">
      <ol className="test-stages">
        {result.stages.map((stage, index) => (
          <li key={index} data-ok={stage.ok}>
            <strong>
              {stage.ok ? '✓' : '✗'} {stage.stage}
            </strong>{' '}
            <span style={{ whiteSpace: 'pre-wrap' }}>{stage.detail}</span>
            {stage.attributes && (
              <dl>
                {Object.entries(stage.attributes).map(([name, values]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>{values.join(', ')}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ol>
      <p data-testid="directory-test-outcome">
        Outcome: <strong>{result.outcome}</strong>
        {result.message ? ` — ${result.message}` : ''}
        {result.outcome === 'accepted' &&
          (result.mapped
            ? ` — role ${result.mapped.role}${result.mapped.teams.length > 0 ? `, teams ${result.mapped.teams.join(', ')}` : ''}`
            : ' — not mapped: this user would be refused')}
      </p>
    </div>
  );
}
