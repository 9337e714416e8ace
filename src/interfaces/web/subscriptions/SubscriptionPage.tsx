// A subscription's own page (GET /subscriptions/:id): what it is, its health (success rates, p95, last success,
// failing streak, open deliveries, 7-day sparkline) and the dashboard charts for its deliveries alone; links to
// its deliveries and to the edit page. Reads only; every change goes through the pages that own it. Pure components.
import type { DashboardCharts } from '../../../app/readModels/dashboardStats';
import type { SubscriptionHealth } from '../../../app/readModels/subscriptionHealth';
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';
import { ProblemBadge } from '../components/badges';
import { DashboardChartsSection } from '../components/DashboardCharts';
import { Time } from '../components/Time';
import { HealthFacts } from './HealthTable';
import { EventsText } from './SubscriptionsPage';

function About({ s }: { s: PublicSubscription }) {
  return (
    <section class="card" aria-labelledby="about-heading">
      <h2 id="about-heading">Subscription</h2>
      <dl class="facts">
        {'\n'}<dt>Id</dt><dd class="mono">{s.id}</dd>
        {'\n'}<dt>URL</dt><dd class="mono">{s.url}</dd>
        {'\n'}<dt>Format</dt><dd>{s.format ?? <span class="unreadable">unknown</span>}{s.mode ? <> <span class="muted">· mode {s.mode}</span></> : null}</dd>
        {'\n'}<dt>Events</dt><dd><EventsText s={s} /></dd>
        {'\n'}<dt>State</dt><dd>{s.enabled ? <span class="badge badge-enabled">enabled</span> : <><span class="badge badge-disabled">disabled</span>{s.disabledReason ? <> <span class="muted">{s.disabledReason}</span></> : null}</>}
          {s.error ? <> <ProblemBadge reason={s.error} /></> : null}</dd>
        {'\n'}<dt>Created</dt><dd><Time iso={s.createdAt} /></dd>
      </dl>
    </section>
  );
}

export function SubscriptionPage({ s, health, charts }: { s: PublicSubscription; health: SubscriptionHealth; charts: DashboardCharts }) {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  const deliveries = `/deliveries?subscription=${encodeURIComponent(s.id)}`;
  return (
    <>
      <div class="title-row"><h1>{s.name}</h1>
        <div class="actions">
          <a class="btn" href={`${base}/edit`}>Edit</a>
          {'\n'}<a class="btn" href={deliveries}>Deliveries</a>
          {'\n'}<a class="btn" href={`${deliveries}&status=failed`}>Failed deliveries</a>
        </div>
      </div>
      <div class="action-grid">
        <About s={s} />
        {'\n'}<HealthFacts h={health} />
      </div>
      <DashboardChartsSection charts={charts} heading="Activity of this subscription" />
      <p><a href="/subscriptions#health">Back to subscriptions</a></p>
    </>
  );
}
