// Messages a page shows around its content: the one-shot flash, an empty list's sentence, and the banner
// naming every subscription that needs attention. Pure components.

export type Flash = { kind: 'ok' | 'error'; text: string };

export function FlashMessage({ flash }: { flash: Flash }) {
  return <p class={`flash flash-${flash.kind}`} role="status">{flash.text}</p>;
}

export function EmptyState({ text }: { text: string }) {
  return <p class="empty">{text}</p>;
}

export interface BrokenSubscription {
  id: string;
  name: string;
  error: string | null;
}

/** One line per subscription that needs attention, each linking to its row on the subscriptions page. */
export function AttentionBanner({ broken }: { broken: BrokenSubscription[] }) {
  if (broken.length === 0) return null;
  const count = broken.length === 1 ? 'One subscription needs' : `${broken.length} subscriptions need`;
  return (
    <section class="attention" role="alert" id="attention">
      <strong>{count} attention:</strong>
      <ul>
        {broken.map((s) => (
          <li><a href={`/subscriptions#sub-${s.id}`}>{s.name}</a> — {s.error}</li>
        ))}
      </ul>
    </section>
  );
}
