/**
 * A small horizontal gauge for CPU, memory or disk use; amber above 75 %, red above 90 %.
 *
 * @example
 * <UsageBar percent={42} label="CPU 42 %" />
 */
export function UsageBar({ percent, label }: { percent: number | undefined; label?: string }) {
  if (percent === undefined) return <span className="muted">—</span>;
  const level = percent >= 90 ? 'is-critical' : percent >= 75 ? 'is-high' : '';
  return (
    <span className="usage" title={label ?? `${percent} %`}>
      <span className="usage-track">
        <span className={`usage-fill ${level}`} style={{ width: `${percent}%` }} />
      </span>
      <span className="usage-value">{percent}%</span>
    </span>
  );
}
