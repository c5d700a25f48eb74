// The dashboard's entry: layout, routes, and per-page cleanup.
import './style.css';
import { el } from './dom.js';
import { route, match, startRouter } from './router.js';
import { renderProjects } from './pages/projects.js';
import { renderTrends } from './pages/project.js';
import { renderOverview } from './pages/overview.js';
import { renderSeries } from './pages/series.js';
import { renderFamily } from './pages/family.js';
import { renderCompare } from './pages/compare.js';
import { renderAlerts } from './pages/alerts.js';

route('/', renderProjects);
route('/projects', renderProjects);
route('/projects/:project', renderOverview);
route('/projects/:project/trends', renderTrends);
route('/projects/:project/series', renderSeries);
route('/projects/:project/family', renderFamily);
route('/projects/:project/compare', renderCompare);
route('/projects/:project/alerts', renderAlerts);

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
let cleanups = [];
let generation = 0;

/** Per-render context: pages register cleanups and check whether they are still current. */
function makeContext(gen, focusName) {
  return {
    /** Puts focus back on the control (by name) that triggered this render, once it exists under `root`. */
    restoreFocus(root) {
      if (!focusName) return;
      const target = root.querySelector(`[name="${CSS.escape(focusName)}"]`);
      if (target) target.focus({ preventScroll: true });
    },
    onCleanup: (fn) => cleanups.push(fn),
    get current() {
      return gen === generation;
    },
    setTitle(title) {
      document.title = title ? `${title} · perfgate` : 'perfgate';
    },
    setCrumbs(items) {
      crumbs.replaceChildren(
        el(
          'ol',
          {},
          items.map((item, i) =>
            el('li', {}, i === items.length - 1 ? el('span', { 'aria-current': 'page' }, item.label) : el('a', { href: item.href }, item.label)),
          ),
        ),
      );
    },
  };
}

let firstRender = true;

function render() {
  const focusName = main.contains(document.activeElement) ? document.activeElement.getAttribute('name') : null;
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      /* a failed cleanup must not block the next page */
    }
  }
  cleanups = [];
  generation += 1;
  const ctx = makeContext(generation, focusName);
  const query = Object.fromEntries(new URLSearchParams(location.search));
  const found = match(location.pathname);
  main.replaceChildren();
  crumbs.replaceChildren();
  if (!found) {
    ctx.setTitle('Not found');
    main.append(
      el(
        'section',
        { class: 'page not-found' },
        el('h1', {}, 'Page not found'),
        el('p', {}, 'There is no dashboard page at ', el('code', {}, location.pathname), '.'),
        el('p', {}, el('a', { href: '/' }, 'See all projects')),
      ),
    );
    return;
  }
  found.render(main, found.params, query, ctx);
  // After a link took us here, start reading at the new page, not at the top bar.
  if (!firstRender && !focusName) {
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

startRouter(render);
