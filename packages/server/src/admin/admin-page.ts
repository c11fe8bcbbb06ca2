/** Escapes text for HTML: every value on the page goes through it. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The admin interface's status page: a plain server-rendered page with no script, so it works
 * from any browser the administrator has at hand on the server itself.
 */
export function adminPage(status: {
  version: string;
  startedAt: Date;
  devicesOnline: number;
  sessionsActive: number;
  publicUrl: string;
  trustedNetworks: readonly string[];
}): string {
  const rows: [string, string][] = [
    ['Version', status.version],
    ['Running since', status.startedAt.toISOString()],
    ['Console', status.publicUrl],
    ['Devices online', String(status.devicesOnline)],
    ['Active sessions', String(status.sessionsActive)],
    [
      'Trusted networks',
      status.trustedNetworks.length ? status.trustedNetworks.join(', ') : 'none (localhost only)',
    ],
  ];
  const table = rows
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tether server administration</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#1d2433}table{border-collapse:collapse}th,td{text-align:left;padding:.4rem 1rem;border-bottom:1px solid #dde}code{background:#f3f4f8;padding:.1rem .3rem}</style></head>
<body><h1>Tether server administration</h1><table>${table}</table>
<h2>Headless administration</h2>
<p>On the server: <code>tether admin reset-password</code> sets a new administrator password;
<code>tether admin trusted-networks add 10.0.0.0/8</code> lets another network reach this page.
Prometheus metrics are at <code>/metrics</code> on this listener.</p></body></html>`;
}
