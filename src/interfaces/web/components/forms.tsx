// The pieces of every web-interface POST form: the CSRF field (checked by ../csrf.ts) and a one-button form
// that asks for confirmation in the browser (data-confirm, see browser/page.ts) yet works without script;
// the button is not rendered for an operator who may not act (./acting.tsx).
import { useCanAct } from './acting';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export type ButtonKind = 'primary' | 'plain' | 'danger';

export interface ActionButtonProps {
  action: string;
  label: string;
  csrf: string;
  confirm: string;
  kind?: ButtonKind;
}

/** A POST button with the CSRF field and a confirm() question (the form still works without JS). */
export function ActionButton({ action, label, csrf, confirm, kind = 'plain' }: ActionButtonProps) {
  if (!useCanAct()) return null;
  return (
    <form class="inline" method="post" action={action} data-confirm={confirm}>
      <CsrfField token={csrf} />
      <button type="submit" class={`btn btn-${kind}`}>{label}</button>
    </form>
  );
}
