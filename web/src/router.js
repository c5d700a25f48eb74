// History routing: every view has a URL that can be pasted into a PR comment.
// Paths: /  /projects/P  /projects/P/series?benchmark=&metric=&testbed=&branch=
//        /projects/P/family?name=  /projects/P/compare?base=&head=  /projects/P/alerts
// Old-style "#/projects/..." links are accepted and rewritten to the path form.

const routes = [];

export function route(pattern, render) {
  const keys = [];
  const re = new RegExp(`^${pattern.replace(/:([a-z]+)/g, (_, k) => (keys.push(k), '([^/]+)'))}/?$`);
  routes.push({ re, keys, render });
}

export function match(pathname) {
  for (const r of routes) {
    const m = r.re.exec(pathname);
    if (!m) continue;
    const params = {};
    r.keys.forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1]);
    });
    return { render: r.render, params };
  }
  return null;
}

/** Builds an app URL: href('/projects/:p/series', {p}, {benchmark}) with encoding. */
export function href(path, query = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

export function projectPath(project, sub = '') {
  return `/projects/${encodeURIComponent(project)}${sub ? `/${sub}` : ''}`;
}

let onNavigate = () => {};

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  onNavigate();
}

/** Replaces the query of the current URL without a new history entry or a re-render. */
export function setQuery(query) {
  history.replaceState(null, '', href(location.pathname, query));
}

export function startRouter(render) {
  onNavigate = render;
  if (location.hash.startsWith('#/')) history.replaceState(null, '', location.hash.slice(1));
  window.addEventListener('popstate', render);
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || a.pathname.startsWith('/api/')) return;
    event.preventDefault();
    if (a.pathname + a.search !== location.pathname + location.search) navigate(a.pathname + a.search);
  });
  render();
}
