// The project list: every project the server knows, with links into each.
import { listProjects } from '../api.js';
import { el, emptyState, errorBox, loading } from '../dom.js';
import { projectPath } from '../router.js';

export async function renderProjects(root, params, query, ctx) {
  ctx.setTitle('Projects');
  ctx.setCrumbs([{ label: 'Projects', href: '/' }]);
  const list = el('div', { class: 'project-list' }, loading('Loading projects…'));
  root.append(el('section', { class: 'page' }, el('h1', {}, 'Projects'), list));
  const load = async () => {
    list.replaceChildren(loading('Loading projects…'));
    try {
      const projects = await listProjects();
      if (!ctx.current) return;
      if (!projects.length) {
        list.replaceChildren(
          emptyState('No projects yet', 'No data yet: upload results with `perfgate ingest --server URL --project NAME --commit SHA results.json` and they appear here.'),
        );
        return;
      }
      list.replaceChildren(
        el(
          'ul',
          { class: 'cards', 'aria-label': 'Projects' },
          projects.map((p) => {
            const facts = [];
            if (Number.isFinite(p.benchmarks)) facts.push(`${p.benchmarks} benchmarks`);
            else if (Array.isArray(p.benchmarks)) facts.push(`${p.benchmarks.length} benchmarks`);
            if (Array.isArray(p.testbeds) && p.testbeds.length) facts.push(`testbeds: ${p.testbeds.map((t) => (typeof t === 'string' ? t : t.name)).join(', ')}`);
            if (Number.isFinite(p.commits)) facts.push(`${p.commits} commits`);
            if (Array.isArray(p.testbeds) && !p.testbeds.length) facts.push('no data yet');
            return el(
              'li',
              { class: 'card project-card' },
              el('h2', {}, el('a', { href: projectPath(p.name), class: 'project-link' }, p.name)),
              facts.length ? el('p', { class: 'muted' }, facts.join(' · ')) : null,
              el('p', { class: 'card-links' }, el('a', { href: projectPath(p.name, 'compare') }, 'Compare'), ' · ', el('a', { href: projectPath(p.name, 'alerts') }, 'Alerts')),
            );
          }),
        ),
      );
    } catch (error) {
      if (ctx.current) list.replaceChildren(errorBox(error, load));
    }
  };
  load();
}
