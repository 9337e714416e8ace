// A subscription's own page (GET /subscriptions/:id): what it is, its health (success rates, p95, last success,
// failing streak, open deliveries, 7-day sparkline) and the dashboard charts for its deliveries alone; links to
// its deliveries and to the edit page. Reads only; every change goes through the pages that own it.
import { Router, type RequestHandler } from 'express';
import { dashboardCharts } from '../../app/readModels/dashboardStats';
import { getSubscription } from '../../infra/db/subscriptions';
import { subscriptionHealth } from '../../app/readModels/subscriptionHealth';
import { chartsSection } from './dashboardSection';
import { healthFacts } from './healthTable';
import { html, problemBadge, timeTag } from './layout';
import { sendError, sendPage, type UiDeps } from './respond';

export function subscriptionPageRoutes(deps: UiDeps, chains: { page: RequestHandler[] }): Router {
  const router = Router();
  router.get('/subscriptions/:id', ...chains.page, async (req, res) => {
    const id = req.params.id as string;
    const [sub, health, charts] = await Promise.all([
      getSubscription(deps.pool, deps.box, id),
      subscriptionHealth(deps.pool, { subscriptionId: id }),
      dashboardCharts(deps.pool, { subscriptionId: id }),
    ]);
    if (!sub || !health[0]) return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    const base = `/subscriptions/${encodeURIComponent(sub.id)}`;
    const deliveries = `/deliveries?subscription=${encodeURIComponent(sub.id)}`;
    sendPage(req, res, { title: sub.name, active: 'subscriptions' }, html`
      <div class="title-row"><h1>${sub.name}</h1>
        <div class="actions">
          <a class="btn" href="${base}/edit">Edit</a>
          <a class="btn" href="${deliveries}">Deliveries</a>
          <a class="btn" href="${deliveries}&amp;status=failed">Failed deliveries</a>
        </div>
      </div>
      <div class="action-grid">
        <section class="card" aria-labelledby="about-heading">
          <h2 id="about-heading">Subscription</h2>
          <dl class="facts">
            <dt>Id</dt><dd class="mono">${sub.id}</dd>
            <dt>URL</dt><dd class="mono">${sub.url}</dd>
            <dt>Format</dt><dd>${sub.format ?? html`<span class="unreadable">unknown</span>`}${sub.mode ? html` <span class="muted">· mode ${sub.mode}</span>` : ''}</dd>
            <dt>Events</dt><dd>${sub.events === null ? html`<span class="unreadable">unreadable</span>` : sub.events === '*' ? 'all' : sub.events.join(', ')}</dd>
            <dt>State</dt><dd>${sub.enabled ? html`<span class="badge badge-enabled">enabled</span>` : html`<span class="badge badge-disabled">disabled</span>${sub.disabledReason ? html` <span class="muted">${sub.disabledReason}</span>` : ''}`}
              ${sub.error ? problemBadge(sub.error) : ''}</dd>
            <dt>Created</dt><dd>${timeTag(sub.createdAt)}</dd>
          </dl>
        </section>
        ${healthFacts(health[0])}
      </div>
      ${chartsSection(charts, { heading: 'Activity of this subscription' })}
      <p><a href="/subscriptions#health">Back to subscriptions</a></p>`);
  });
  return router;
}
