// An instant as <time datetime>: UTC text in the markup (readable without script), which the browser script
// (browser/page.ts) rewrites into the viewer's own zone, named, keeping UTC on hover. Pure component.

/** The UTC text the page shows before (or without) the browser script: "2026-12-05 07:00:00 UTC". */
export function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <>{iso}</>;
  return <time datetime={d.toISOString()}>{utcText(d)}</time>;
}
