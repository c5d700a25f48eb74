// Pieces shared by the project pages.
import { el } from './dom.js';
import { projectPath } from './router.js';
import { directionLabel, normalizeDirection } from './format.js';

/** The tabs of a project: Overview, Trends (the cards of charts), Compare, Alerts. */
export function projectTabs(project, active) {
  const tab = (key, label, sub) =>
    el('a', { href: projectPath(project, sub), class: `tab${key === active ? ' active' : ''}`, 'aria-current': key === active ? 'page' : null }, label);
  return el('nav', { class: 'tabs', 'aria-label': 'Project views' }, tab('overview', 'Overview', ''), tab('trends', 'Trends', 'trends'), tab('compare', 'Compare', 'compare'), tab('alerts', 'Alerts', 'alerts'));
}

export function projectCrumbs(ctx, project, ...rest) {
  ctx.setCrumbs([{ label: 'Projects', href: '/' }, { label: project, href: projectPath(project) }, ...rest]);
}

/** A small badge saying which way is better. */
export function directionBadge(direction) {
  const d = normalizeDirection(direction);
  return el('span', { class: `badge dir dir-${d ?? 'unknown'}`, title: directionLabel(direction) }, directionLabel(direction));
}

/** Runs async jobs at most `limit` at a time (charts of a long page). */
export function queue(limit) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= limit || !waiting.length) return;
    running += 1;
    const { job, resolve, reject } = waiting.shift();
    job().then(resolve, reject).finally(() => {
      running -= 1;
      next();
    });
  };
  return (job) =>
    new Promise((resolve, reject) => {
      waiting.push({ job, resolve, reject });
      next();
    });
}
