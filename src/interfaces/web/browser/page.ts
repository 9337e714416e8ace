// Browser script of every web-interface page (compiled by scripts/build.sh, served as /assets/page.<hash>.js):
// times in the viewer's own zone (UTC kept on hover), table cells labelled for the phone's card layout, and
// a confirm() before each form that asks one. Every page works without it.

function localTimes(): void {
  document.querySelectorAll<HTMLTimeElement>('time[datetime]').forEach((t) => {
    const d = new Date(t.getAttribute('datetime') ?? '');
    if (Number.isNaN(d.getTime())) return;
    t.title = t.textContent ?? '';
    t.textContent = d.toLocaleString(undefined, {
      year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    });
    t.classList.add('local');
  });
}

/** On a phone, `table.cards` rows become cards: each cell is labelled with its column's heading. */
function labelCards(): void {
  document.querySelectorAll<HTMLTableElement>('table.cards').forEach((table) => {
    const heads = Array.from(table.querySelectorAll('thead th'), (th) => (th.textContent ?? '').trim());
    table.querySelectorAll('tbody tr').forEach((tr) => {
      Array.from(tr.children).forEach((td, i) => {
        if (!td.hasAttribute('data-label') && heads[i]) td.setAttribute('data-label', heads[i]!);
      });
    });
  });
}

function confirmForms(): void {
  document.querySelectorAll<HTMLFormElement>('form[data-confirm]').forEach((f) => {
    f.addEventListener('submit', (e) => {
      if (!window.confirm(f.getAttribute('data-confirm') ?? '')) e.preventDefault();
    });
  });
}

localTimes();
labelCards();
confirmForms();

export {};
