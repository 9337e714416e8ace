// The dashboard charts for a page still built from legacy markup (the to-do page): the component
// (components/DashboardCharts.tsx) rendered into a SafeHtml. Legacy until todoPage.ts is a component; then it goes.
import { h } from 'preact';
import type { DashboardCharts } from '../../app/readModels/dashboardStats';
import { DashboardChartsSection } from './components/DashboardCharts';
import { renderFragment } from './components/render';
import { SafeHtml } from './layout';

export function chartsSection(charts: DashboardCharts, opts: { heading?: string } = {}): SafeHtml {
  return new SafeHtml(renderFragment(h(DashboardChartsSection, { charts, ...opts })));
}
