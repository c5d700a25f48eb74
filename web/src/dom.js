// A tiny element builder: el('a', {href, class, onclick}, 'text', child, [more]).
// Strings become text nodes (never HTML), so API data cannot inject markup.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

/** An explicit error box; `retry` adds a button that calls it. */
export function errorBox(error, retry) {
  const status = error?.status ? ` (HTTP ${error.status})` : '';
  return el(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    el('strong', {}, `Could not load${status}: `),
    error?.message ?? String(error),
    retry ? el('button', { type: 'button', class: 'link-button', onclick: retry }, 'Try again') : null,
  );
}

/** An explicit empty state. */
export function emptyState(title, detail) {
  return el('div', { class: 'notice notice-empty', role: 'status' }, el('strong', {}, title), detail ? el('p', {}, detail) : null);
}

export function loading(text = 'Loading…') {
  return el('div', { class: 'loading', role: 'status', 'aria-live': 'polite' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** A labelled <select>. options: [value] or [[value, label]]. */
export function selectField(label, name, options, value, onchange) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const select = el(
    'select',
    { id, name, onchange: (e) => onchange(e.target.value) },
    options.map((o) => {
      const [v, l] = Array.isArray(o) ? o : [o, o];
      return el('option', { value: v, selected: v === value }, l);
    }),
  );
  return el('div', { class: 'field' }, el('label', { for: id }, label), select);
}

/** A labelled text <input>, with optional datalist suggestions. */
export function inputField(label, name, value, { placeholder, suggestions, oninput, type = 'text', required } = {}) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const listId = suggestions?.length ? `${id}-list` : null;
  const input = el('input', { id, name, type, value: value ?? '', placeholder, list: listId, autocomplete: 'off', spellcheck: 'false', required, oninput: oninput ? (e) => oninput(e.target.value) : null });
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    input,
    listId ? el('datalist', { id: listId }, suggestions.map((s) => (Array.isArray(s) ? el('option', { value: s[0] }, s[1]) : el('option', { value: s })))) : null,
  );
}

/** A scrollable table: headers as column heads, `rows` as <tr> elements. */
export function dataTable(className, caption, headers, rows) {
  return el(
    'div',
    { class: 'table-scroll' },
    el('table', { class: `table ${className}` }, caption ? el('caption', { class: 'sr-only' }, caption) : null, el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows)),
  );
}
