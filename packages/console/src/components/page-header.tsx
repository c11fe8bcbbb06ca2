import type { ReactNode } from 'react';

/**
 * The title row of a page, with optional actions on the right.
 *
 * @example
 * <PageHeader title="Devices" actions={<Link href="/installers">Add a device</Link>} />
 */
export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
