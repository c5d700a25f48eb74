// A project's alerts: one group per commit that caused changes (its alerts inside),
// filtered by triage status, each with a triage control; older servers that list
// bare alerts get the flat table.
import { getAlerts, triageAlertGroup } from '../api.js';
import { dataTable, el, emptyState, errorBox, inputField, loading, selectField } from '../dom.js';
import { changeQuality, formatChange, formatPValue, formatTime, formatValue, shortSha } from '../format.js';
import { projectCrumbs, projectTabs } from '../layout.js';
import { href, navigate, projectPath } from '../router.js';

export async function renderAlerts(root, { project }, query, ctx) {
  ctx.setTitle(`Alerts · ${project}`);
  projectCrumbs(ctx, project, { label: 'Alerts' });
  const body = el('div', {}, loading('Loading alerts…'));
  root.append(el('section', { class: 'page alerts-page' }, el('h1', {}, 'Alerts'), projectTabs(project, 'alerts'), body));
  const load = async () => {
    body.replaceChildren(loading('Loading alerts…'));
    let alerts;
    try {
      const answer = await getAlerts(project);
      if (answer.groups) {
        if (ctx.current) renderGroups(body, project, answer.groups, query, ctx, load);
        return;
      }
      alerts = answer.alerts;
    } catch (error) {
      if (!ctx.current) return;
      body.replaceChildren(error.status === 404 ? emptyState(`No project named “${project}”`) : errorBox(error, load));
      return;
    }
    if (!ctx.current) return;
    if (!alerts.length) {
      body.replaceChildren(emptyState('No alerts', 'No series of this project has a regression the server alerts on.'));
      return;
    }
    // Client-side filters, kept in the URL so a filtered list can be linked.
    const values = (key) => [...new Set(alerts.map((a) => a[key]).filter(Boolean))].sort();
    const filters = { kind: query.kind ?? '', testbed: query.testbed ?? '', metric: query.metric ?? '' };
    const shown = alerts.filter((a) => Object.entries(filters).every(([k, v]) => !v || a[k] === v));
    const filterField = (label, key) =>
      values(key).length > 1 || filters[key]
        ? selectField(label, key, [['', 'all'], ...values(key).map((v) => [v, v])], filters[key], (v) =>
            navigate(href(location.pathname, { ...filters, [key]: v }), { replace: true }),
          )
        : null;
    const controls = el('form', { class: 'controls', onsubmit: (e) => e.preventDefault() }, filterField('Kind', 'kind'), filterField('Testbed', 'testbed'), filterField('Metric', 'metric'));
    body.replaceChildren(
      controls,
      el('p', { class: 'muted', 'aria-live': 'polite' }, `${shown.length === alerts.length ? '' : `${shown.length} of `}${alerts.length} alert${alerts.length === 1 ? '' : 's'}`),
      dataTable('alerts-table', `Alerts of ${project}`, ['When', 'Benchmark', 'Metric', 'Testbed', 'Branch', 'Commit', 'Before → after', 'Change', 'p-value', 'Kind'], shown.map((a) => alertRow(project, a))),
    );
    ctx.restoreFocus(controls);
  };
  load();
}

function alertRow(project, a) {
  const benchmark = a.benchmark ?? a.name ?? '';
  const commit = a.commit ?? a.head ?? '';
  const kind = a.kind ?? a.verdict ?? '';
  const quality = /improve/.test(kind) ? 'good' : /regress/.test(kind) ? 'bad' : changeQuality(a.change, a.direction);
  const seriesLink = href(projectPath(project, 'series'), { benchmark, metric: a.metric, testbed: a.testbed, branch: a.branch });
  const base = a.base ?? a.base_commit ?? a.previous_commit;
  const status = a.status ?? (kind || (quality === 'bad' ? 'regression' : quality === 'good' ? 'improvement' : ''));
  return el(
    'tr',
    { class: `alert-row alert-${quality}`, 'data-benchmark': benchmark, 'data-kind': kind },
    el('td', {}, formatTime(a.time ?? a.created_at ?? a.commit_time)),
    el('td', {}, el('a', { href: seriesLink }, benchmark)),
    el('td', {}, a.metric ?? ''),
    el('td', {}, a.testbed ?? ''),
    el('td', {}, a.branch ?? ''),
    el('td', {}, commit ? (base ? el('a', { href: href(projectPath(project, 'compare'), { base, head: commit, testbed: a.testbed }), title: 'Compare with the commit before' }, el('code', {}, shortSha(commit))) : el('code', {}, shortSha(commit))) : '–'),
    el('td', { class: 'num' }, Number.isFinite(a.before) || Number.isFinite(a.after) ? `${formatValue(a.before, a.unit)} → ${formatValue(a.after, a.unit)}` : '–'),
    el('td', { class: `num cp-${quality}` }, formatChange(a.change)),
    el('td', { class: 'num' }, formatPValue(a.p_value)),
    el('td', {}, status ? el('span', { class: `badge verdict verdict-${quality === 'bad' ? 'regressed' : quality === 'good' ? 'improved' : 'inconclusive'}` }, status) : ''),
  );
}

export const kTriageStatuses = ['untriaged', 'acknowledged', 'expected', 'invalid', 'fixed'];
const tokenKey = (project) => `perfgate-token:${project}`;

function renderGroups(body, project, groups, query, ctx, reload) {
  const status = query.status ?? '';
  const counts = {};
  for (const g of groups) counts[g.status] = (counts[g.status] ?? 0) + 1;
  const shown = groups.filter((g) => (!status || g.status === status) && (!query.group || g.group === query.group));
  const controls = el(
    'form',
    { class: 'controls', onsubmit: (e) => e.preventDefault() },
    selectField('Status', 'status', [['', `all (${groups.length})`], ...kTriageStatuses.map((s) => [s, `${s} (${counts[s] ?? 0})`])], status, (v) => navigate(href(location.pathname, { status: v }), { replace: true })),
    query.group ? el('a', { href: href(location.pathname, { status }) }, 'Show every group') : null,
  );
  const alertCount = shown.reduce((n, g) => n + (g.alerts?.length ?? 0), 0);
  body.replaceChildren(
    controls,
    el('p', { class: 'muted', 'aria-live': 'polite' }, `${shown.length} group${shown.length === 1 ? '' : 's'} (${alertCount} alert${alertCount === 1 ? '' : 's'})${shown.length === groups.length ? '' : ` of ${groups.length}`}`),
    shown.length ? el('div', { class: 'alert-groups' }, shown.map((g) => groupCard(project, g, reload))) : emptyState(groups.length ? 'No group has this status' : 'No alerts', groups.length ? 'Choose another status.' : 'No series of this project has a change the server alerts on.'),
  );
  ctx.restoreFocus(controls);
}

function groupCard(project, g, reload) {
  const commit = g.commit ?? {};
  const alerts = Array.isArray(g.alerts) ? g.alerts : [];
  const worse = alerts.filter((a) => changeQuality(a.change, a.direction) === 'bad').length;
  const who = g.updated_by || g.updated_at ? el('span', { class: 'muted small triage-who' }, `${g.status} by ${g.updated_by ?? 'someone'}${g.updated_at ? ` · ${formatTime(g.updated_at)}` : ''}`) : null;
  const card = el(
    'section',
    { class: 'alert-group', 'data-group': g.group, 'data-status': g.status, 'aria-label': `Alerts of commit ${shortSha(commit.sha ?? '')}` },
    el(
      'header',
      {},
      el('h2', {}, 'Commit ', el('code', {}, shortSha(commit.sha ?? '')), commit.branch ? el('span', { class: 'muted' }, ` on ${commit.branch}`) : null),
      el('span', { class: 'muted' }, formatTime(commit.time)),
      el('span', {}, `${alerts.length} alert${alerts.length === 1 ? '' : 's'}${worse ? `, ${worse} worse` : ''}`),
      el('span', { class: `badge triage-status triage-status-${g.status}` }, g.status ?? 'untriaged'),
      who,
    ),
    g.note ? el('p', { class: 'triage-note' }, el('strong', {}, 'Note: '), g.note) : null,
    dataTable(
      'alerts-table',
      `Alerts of commit ${shortSha(commit.sha ?? '')}`,
      ['Benchmark', 'Metric', 'Testbed', 'Before → after', 'Change'],
      alerts.map((a) => {
        const quality = changeQuality(a.change, a.direction);
        return el(
          'tr',
          { class: `alert-row alert-${quality}`, 'data-benchmark': a.benchmark },
          el('td', {}, el('a', { href: href(projectPath(project, 'series'), { benchmark: a.benchmark, metric: a.metric, testbed: a.testbed, branch: commit.branch }) }, a.benchmark)),
          el('td', {}, a.metric ?? ''),
          el('td', {}, a.testbed ?? ''),
          el('td', { class: 'num' }, `${formatValue(a.before, a.unit)} → ${formatValue(a.after, a.unit)}`),
          el('td', { class: `num cp-${quality}` }, formatChange(a.change)),
        );
      }),
    ),
    triageForm(project, g, reload),
  );
  return card;
}

/** Status + note, sent with the project token (asked once, kept in sessionStorage for this tab). */
function triageForm(project, g, reload) {
  const message = el('p', { class: 'small', role: 'status', 'aria-live': 'polite' });
  const statusField = selectField('Triage', 'triage-status', kTriageStatuses.filter((s) => s !== 'untriaged' || g.status === 'untriaged').map((s) => [s, s]), g.status === 'untriaged' ? 'acknowledged' : g.status, () => {});
  const noteId = `note-${Math.random().toString(36).slice(2, 8)}`;
  const note = el('textarea', { id: noteId, name: 'note', rows: '1', placeholder: 'why (optional)' });
  note.value = g.note ?? '';
  const tokenField = inputField('Project token', 'token', '', { type: 'password', placeholder: 'asked once per tab' });
  tokenField.hidden = Boolean(sessionStorage.getItem(tokenKey(project)));
  const form = el(
    'form',
    { class: 'triage-form', 'aria-label': `Triage commit ${shortSha(g.commit?.sha ?? '')}` },
    statusField,
    el('div', { class: 'field' }, el('label', { for: noteId }, 'Note'), note),
    tokenField,
    el('button', { type: 'submit', class: 'primary' }, 'Save'),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const typed = tokenField.querySelector('input').value.trim();
    if (typed) sessionStorage.setItem(tokenKey(project), typed);
    const token = sessionStorage.getItem(tokenKey(project));
    if (!token) {
      tokenField.hidden = false;
      message.textContent = 'Triage needs a project token (perfgate token create --project …).';
      tokenField.querySelector('input').focus();
      return;
    }
    message.textContent = 'Saving…';
    try {
      await triageAlertGroup(project, g.group, { status: statusField.querySelector('select').value, note: note.value.trim() }, token);
      reload();
    } catch (error) {
      if (error.status === 401 || error.status === 403) {
        sessionStorage.removeItem(tokenKey(project));
        tokenField.hidden = false;
      }
      message.textContent = `Not saved: ${error.message}`;
    }
  });
  return form;
}
