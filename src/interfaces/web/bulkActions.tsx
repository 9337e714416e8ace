// Acting on many deliveries at once from the to-do list and the search results: the bulk form (selection
// count, one note for all; its browser side is browser/bulk.ts), and POST /deliveries/bulk, which runs the
// operator use case (app/deliveries/operatorActions.ts) once per selected delivery, 4 at a time, and reports
// every row's outcome, refusals included. Decides nothing itself.
import { Router, urlencoded, type RequestHandler, type Response } from 'express';
import pLimit from 'p-limit';
import { markDeliveryProcessed, resyncDelivery, type ActionOutcome } from '../../app/deliveries/operatorActions';
import { deliveryLabels, type DeliveryLabel } from '../../app/readModels/deliveryImpact';
import { ProblemError } from '../api/errors';
import { CsrfField } from './components/forms';
import { Dash, SubjectCell } from './deliveryTable';
import { inScope, sendPage, sessionOf, type UiDeps } from './respond';

const MAX_SELECTED = 500;
const CONCURRENCY = 4;
type BulkKind = 'resync' | 'markProcessed';

/**
 * The selection can be the whole to-do list: more fields than the shared form parser allows, but bounded: a
 * form past MAX_SELECTED ids (or 256 kB) is refused whole, with the limit in words (413), before any action.
 */
const parseBulk = urlencoded({ extended: false, limit: '256kb', parameterLimit: MAX_SELECTED + 20 });
const TOO_MANY = new Set(['parameters.too.many', 'entity.too.large']);
const bulkBody: RequestHandler = (req, res, next) =>
  parseBulk(req, res, (err?: unknown) => {
    if (!TOO_MANY.has((err as { type?: string } | undefined)?.type ?? '')) return next(err);
    next(new ProblemError(413, 'Payload Too Large', `Select at most ${MAX_SELECTED} deliveries at a time; nothing was done.`));
  });

export interface BulkFormProps {
  /** The form's id: the table's checkboxes and row buttons name it with form="…". */
  id: string;
  csrf: string;
  /** Where the result page's "Back" goes (the list the selection was made on). */
  back: string;
}

/** The toolbar the table's checkboxes and row buttons submit. */
export function BulkForm({ id, csrf, back }: BulkFormProps) {
  return (
    <form id={id} class="bulk" method="post" action="/deliveries/bulk" data-bulk>
      <CsrfField token={csrf} /><input type="hidden" name="back" value={back} />
      <span class="bulk-count"><b data-selected-count>0</b> selected</span>
      <button type="submit" class="btn btn-primary" name="action" value="resync">Re-sync selected</button>
      <label class="bulk-note">Note (for mark processed) <input name="note" maxlength={2000} placeholder="e.g. entered by hand in the payroll tool" /></label>
      <button type="submit" class="btn" name="action" value="markProcessed">Mark selected processed</button>
    </form>
  );
}

function many(form: Record<string, unknown>, name: string): string[] {
  const v = form[name];
  return (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).filter((s): s is string => typeof s === 'string' && s.length > 0 && s.length <= 300);
}

function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/|\\)/.test(value) && value.length <= 2000 ? value : '/';
}

/** What was asked: one row's button (row=kind:id) wins over the selection and the toolbar's action. */
export function readRequest(form: Record<string, unknown>): { kind: BulkKind | null; ids: string[]; note: string } {
  const note = typeof form.note === 'string' ? form.note.trim().slice(0, 2000) : '';
  const row = typeof form.row === 'string' ? /^(resync|markProcessed):(.+)$/.exec(form.row) : null;
  if (row) return { kind: row[1] as BulkKind, ids: [row[2]!], note };
  const kind = form.action === 'resync' || form.action === 'markProcessed' ? form.action : null;
  return { kind, ids: [...new Set(many(form, 'id'))], note };
}

const OUTCOME_WORDS: Record<Extract<ActionOutcome, { ok: true }>['requested'], string> = {
  resync: 're-sync requested',
  start: 'started (it had never been sent)',
  markProcessed: 'marked processed',
};

function describe(outcome: ActionOutcome | Error): { ok: boolean; text: string } {
  if (outcome instanceof Error) return { ok: false, text: `not done: ${outcome.message}` };
  if (outcome.ok) return { ok: true, text: OUTCOME_WORDS[outcome.requested] };
  if (outcome.reason === 'not_found') return { ok: false, text: 'refused: there is no such delivery' };
  if (outcome.reason === 'closed') return { ok: false, text: `refused: already ${outcome.status}` };
  if (outcome.reason === 'waiting') return { ok: false, text: `refused: waits for ${outcome.ahead} (same resource, earlier event)` };
  return { ok: false, text: 'refused: its workflow is not open' };
}

interface OutcomeRow {
  id: string;
  label: DeliveryLabel | undefined;
  ok: boolean;
  text: string;
}

function OutcomeTable({ rows }: { rows: OutcomeRow[] }) {
  return (
    <div class="table-wrap">
      <table id="bulk-outcomes" class="cards">
        <thead><tr><th>Delivery</th><th>About</th><th>Subscription</th><th>Outcome</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr data-delivery={r.id} class={r.ok ? 'outcome-ok' : 'outcome-refused'}>
              <td data-label="Delivery"><a class="mono" href={`/deliveries/${encodeURIComponent(r.id)}`}>{r.label?.eventType ?? r.id}</a></td>
              <td data-label="About">{r.label ? <SubjectCell delivery={r.label} /> : <Dash />}</td>
              <td data-label="Subscription">{r.label?.subscriptionName ?? <Dash />}</td>
              <td data-label="Outcome"><span class="outcome">{r.text}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The result page: what was asked, the note recorded, and every selected delivery's outcome. */
function BulkResult({ kind, note, rows, back }: { kind: BulkKind; note: string; rows: OutcomeRow[]; back: string }) {
  return (
    <>
      <h1>{kind === 'resync' ? 'Re-sync selected' : 'Mark selected processed'}</h1>
      {kind === 'markProcessed' ? <p class="muted">Note recorded on each: “{note}”</p> : null}
      <OutcomeTable rows={rows} />
      <p><a class="btn" href={back}>Back to the list</a></p>
    </>
  );
}

/** The flash line above the result: how many of the selected were done. */
function summary(kind: BulkKind, rows: OutcomeRow[]): { kind: 'ok' | 'error'; text: string } {
  const done = rows.filter((r) => r.ok).length;
  const verb = kind === 'resync' ? 'Re-sync requested for' : 'Marked processed:';
  const text = `${verb} ${done} of ${rows.length} selected ${rows.length === 1 ? 'delivery' : 'deliveries'}${done < rows.length ? ` (${rows.length - done} refused: see below)` : ''}.`;
  return { kind: done === rows.length ? 'ok' : 'error', text };
}

export function bulkRoutes(deps: UiDeps, chains: { action: RequestHandler[] }): Router {
  const router = Router();
  const actionDeps = (res: Response) => inScope({ pool: deps.pool, temporal: deps.temporal, taskQueue: deps.taskQueue, log: deps.log }, res);

  /** Each selected delivery through the operator use case, CONCURRENCY at a time; an error is that row's outcome. */
  const runAll = (res: Response, kind: BulkKind, ids: string[], by: string, note: string): Promise<(ActionOutcome | Error)[]> => {
    const limit = pLimit(CONCURRENCY);
    const scoped = actionDeps(res);
    return Promise.all(ids.map((id) => limit(() =>
      (kind === 'resync' ? resyncDelivery(scoped, id, by, 'bulk re-sync from the web interface') : markDeliveryProcessed(scoped, id, by, note))
        .catch((err: unknown) => {
          deps.log.warn({ deliveryId: id, err }, 'bulk action on a delivery failed');
          return err instanceof Error ? err : new Error(String(err));
        }))));
  };

  router.post('/deliveries/bulk', bulkBody, ...chains.action, async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const back = safeBack(form.back);
    const { kind, ids, note } = readRequest(form);
    const refuse = (text: string) => sendPage(req, res, { title: 'Nothing done', flash: { kind: 'error', text } },
      <><h1>Nothing was done</h1><p><a class="btn" href={back}>Back</a></p></>, 400);
    if (!kind) return refuse('Choose "Re-sync selected" or "Mark selected processed".');
    if (ids.length === 0) return refuse('Select at least one delivery first.');
    if (ids.length > MAX_SELECTED) return refuse(`Select at most ${MAX_SELECTED} deliveries at a time.`);
    if (kind === 'markProcessed' && !note) return refuse('A note is required to mark deliveries as processed (one note for all of them).');

    const by = sessionOf(res)!.name;
    const outcomes = await runAll(res, kind, ids, by, note);
    const labels = await deliveryLabels(inScope(deps, res).pool, ids);
    const rows = ids.map((id, i) => ({ id, label: labels.get(id), ...describe(outcomes[i]!) }));
    const flash = summary(kind, rows);
    deps.log.info({ kind, selected: rows.length, done: rows.filter((r) => r.ok).length, by }, 'bulk action from the web interface');
    sendPage(req, res, { title: 'Bulk action', flash }, <BulkResult kind={kind} note={note} rows={rows} back={back} />);
  });
  return router;
}
