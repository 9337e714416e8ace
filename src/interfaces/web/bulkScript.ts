// The browser side of bulk actions (bulkActions.ts), inlined by layout.ts into every page: select all per
// table, the live selection count, and one confirm that names how many (asking for the note when missing).
// Plain ES5, no dependencies; every form still works without it (the server checks everything again).
// form.id would name the <input name=id> checkboxes associated with the form, hence getAttribute('id').
export const BULK_SCRIPT = `
document.querySelectorAll('form[data-bulk]').forEach(function (f) {
  function boxes() { return Array.prototype.filter.call(document.querySelectorAll('input[name=id][form="' + f.getAttribute('id') + '"]'), function (b) { return !b.disabled; }); }
  function picked() { return boxes().filter(function (b) { return b.checked; }).length; }
  function update() {
    var n = picked();
    f.querySelectorAll('[data-selected-count]').forEach(function (s) { s.textContent = String(n); });
    f.querySelectorAll('button[name=action]').forEach(function (b) { b.disabled = n === 0; });
  }
  document.addEventListener('change', function (e) {
    var t = e.target;
    if (t && t.matches && t.matches('input[data-select-all]')) {
      t.closest('table').querySelectorAll('input[name=id]').forEach(function (b) { if (!b.disabled) b.checked = t.checked; });
    }
    update();
  });
  f.addEventListener('submit', function (e) {
    var s = e.submitter, row = s && s.name === 'row';
    var kind = row ? s.value.split(':')[0] : (s ? s.value : 'resync');
    var n = row ? 1 : picked();
    if (n === 0) { e.preventDefault(); window.alert('Select at least one delivery first.'); return; }
    var what = row ? 'this delivery' : (n === 1 ? 'the 1 selected delivery' : 'the ' + n + ' selected deliveries');
    var note = f.querySelector('[name=note]');
    if (kind === 'markProcessed' && !note.value.trim()) {
      var typed = window.prompt('Note for ' + what + ' (why it no longer needs sending):');
      if (!typed || !typed.trim()) { e.preventDefault(); return; }
      note.value = typed.trim();
    }
    var question = kind === 'markProcessed' ? 'Mark ' + what + ' as processed? ' + (n === 1 ? 'It' : 'They') + ' will not be sent again.' : 'Re-sync ' + what + ' now?';
    if (!window.confirm(question)) e.preventDefault();
  });
  update();
});
`;
