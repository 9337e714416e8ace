// Browser side of bulk actions (../bulkActions): select all per table, the live selection count, and one
// confirm that names how many (asking for the note when missing). Compiled by scripts/build.sh, served as
// /assets/bulk.<hash>.js; every form still works without it (the server checks everything again).
// form.id would name the <input name=id> checkboxes associated with the form, hence getAttribute('id').

function enableBulkForm(f: HTMLFormElement): void {
  const boxes = (): HTMLInputElement[] =>
    Array.from(document.querySelectorAll<HTMLInputElement>(`input[name=id][form="${f.getAttribute('id')}"]`)).filter((b) => !b.disabled);
  const picked = (): number => boxes().filter((b) => b.checked).length;
  const update = (): void => {
    const n = picked();
    f.querySelectorAll('[data-selected-count]').forEach((s) => {
      s.textContent = String(n);
    });
    f.querySelectorAll<HTMLButtonElement>('button[name=action]').forEach((b) => {
      b.disabled = n === 0;
    });
  };

  document.addEventListener('change', (e) => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.matches('input[data-select-all]')) {
      t.closest('table')?.querySelectorAll<HTMLInputElement>('input[name=id]').forEach((b) => {
        if (!b.disabled) b.checked = t.checked;
      });
    }
    update();
  });

  f.addEventListener('submit', (e) => {
    const s = e.submitter instanceof HTMLButtonElement ? e.submitter : null;
    const row = s !== null && s.name === 'row';
    const kind = row ? s.value.split(':')[0] : (s ? s.value : 'resync');
    const n = row ? 1 : picked();
    if (n === 0) {
      e.preventDefault();
      window.alert('Select at least one delivery first.');
      return;
    }
    const what = row ? 'this delivery' : (n === 1 ? 'the 1 selected delivery' : `the ${n} selected deliveries`);
    const note = f.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name=note]');
    if (kind === 'markProcessed' && note && !note.value.trim()) {
      const typed = window.prompt(`Note for ${what} (why it no longer needs sending):`);
      if (!typed || !typed.trim()) {
        e.preventDefault();
        return;
      }
      note.value = typed.trim();
    }
    const question = kind === 'markProcessed'
      ? `Mark ${what} as processed? ${n === 1 ? 'It' : 'They'} will not be sent again.`
      : `Re-sync ${what} now?`;
    if (!window.confirm(question)) e.preventDefault();
  });

  update();
}

document.querySelectorAll<HTMLFormElement>('form[data-bulk]').forEach(enableBulkForm);

export {};
