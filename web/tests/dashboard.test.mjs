// Browser tests of the dashboard against the real `perfgate serve --demo`, in
// Debian's chromium. See harness.mjs for the environment variables.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, startBrowser, startServer } from './harness.mjs';
import { changeQuality, formatChange, shortSha } from '../src/format.js';
import { splitName } from '../src/families.js';

const enc = encodeURIComponent;

// The API's answers are objects holding named lists (server/README.md); a bare
// array, or a missing list, is a change of the contract and fails here.
function listOf(body, field) {
  assert.ok(body !== null && typeof body === 'object' && !Array.isArray(body), `expected an object holding "${field}"`);
  assert.ok(Array.isArray(body[field]), `expected "${field}" to be a list`);
  return body[field];
}
let server;
let browser;
let page;
let project;
let testbeds = [];
let benchmarks = [];
let mainline = '';

/** Waits until every chart in view has finished loading (points counted or an empty state shown). */
async function chartsSettled(p, selector = '.chart-box') {
  await p.waitForFunction(
    (sel) => {
      const boxes = [...document.querySelectorAll(sel)];
      return boxes.length > 0 && boxes.slice(0, 3).every((b) => b.dataset.points !== undefined || b.querySelector('.notice'));
    },
    selector,
    { timeout: 20000 },
  );
}

/** Form controls without a label, and images without text, on the current page. */
async function unlabelled(p) {
  return p.$$eval('input, select, button, [role=group]', (els) =>
    els
      .filter((e) => {
        if (e.matches('input, select')) return !e.labels || e.labels.length === 0;
        if (e.matches('button')) return !(e.getAttribute('aria-label') || e.textContent.trim());
        return !e.getAttribute('aria-label');
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
}

/** The first change point of the project that the API calls a regression, with its series. */
async function knownRegression() {
  const { body } = await apiGet(server.base, `/api/v1/projects/${enc(project)}/alerts`);
  // Grouped by causing commit (issue 14): each alert takes its group's commit and branch.
  const alerts = Array.isArray(body?.groups)
    ? body.groups.flatMap((g) => g.alerts.map((a) => ({ ...a, commit: g.commit.sha, branch: g.commit.branch, kind: changeQuality(a.change, a.direction) === 'bad' ? 'regression' : 'improvement' })))
    : listOf(body, 'alerts');
  const alert = alerts.find((a) => a.kind === 'regression') ?? alerts[0];
  assert.ok(alert, 'the demo has at least one alert');
  const q = `benchmark=${enc(alert.benchmark)}&metric=${enc(alert.metric)}&testbed=${enc(alert.testbed)}&branch=${enc(alert.branch ?? '')}&limit=1000`;
  const { body: series } = await apiGet(server.base, `/api/v1/projects/${enc(project)}/series?${q}`);
  return { alert, series, q };
}

before(async () => {
  server = await startServer();
  browser = await startBrowser(server.base);
  page = await browser.newPage();
  const { body } = await apiGet(server.base, '/api/v1/projects');
  const projects = listOf(body, 'projects');
  const entry = projects.find((p) => p.name === 'demo') ?? projects[0];
  assert.ok(entry, 'the demo server has a project');
  project = entry.name;
  const listing = (await apiGet(server.base, `/api/v1/projects/${enc(project)}/benchmarks`)).body;
  benchmarks = listOf(listing, 'benchmarks');
  testbeds = listing.testbeds ?? entry.testbeds ?? [];
  const overview = await apiGet(server.base, `/api/v1/projects/${enc(project)}/overview`);
  if (overview.status === 200) mainline = overview.body.baseline_branch || overview.body.branch || '';
  console.log(`# screenshots in ${browser.screenshotDir}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('dashboard', () => {
  test('the project list links every project the API lists', async () => {
    await page.goto(`${server.base}/`);
    await page.waitForSelector('.project-link');
    const { body } = await apiGet(server.base, '/api/v1/projects');
    const names = (listOf(body, 'projects')).map((p) => p.name ?? p);
    const links = await page.$$eval('.project-link', (as) => as.map((a) => a.textContent));
    assert.deepEqual(links, names);
    assert.equal(await page.title(), 'Projects · perfgate');
    await browser.screenshot(page, '01-projects');
  });

  test('the trends page draws trend charts whose points match the API', async () => {
    await page.goto(`${server.base}/projects/${enc(project)}/trends`);
    await chartsSettled(page);
    const first = await page.$eval('.chart-box', (b) => ({ name: b.dataset.benchmark, points: Number(b.dataset.points) }));
    const info = benchmarks.find((b) => b.name === first.name);
    const metric = info.metrics.find((m) => m.name === 'real_time') ?? info.metrics[0];
    // The charts follow the mainline the server reports (every branch when it reports none).
    const { body } = await apiGet(server.base, `/api/v1/projects/${enc(project)}/series?benchmark=${enc(first.name)}&metric=${enc(metric.name)}&branch=${enc(mainline)}&limit=500`);
    assert.equal(first.points, body.points.length);
    assert.ok(first.points > 0, 'the demo series has points');
    assert.ok(await page.$('.chart-box canvas'), 'a canvas is drawn');
    const count = await page.textContent('.result-count');
    assert.match(count, new RegExp(`^${benchmarks.length} benchmarks`));
    assert.deepEqual(await unlabelled(page), []);
    await browser.screenshot(page, '02-project');
  });

  test('the search box filters benchmarks as the API does and lands in the URL', async () => {
    const family = benchmarks.map((b) => splitName(b.name).family).find(Boolean) ?? benchmarks[0].name;
    await page.goto(`${server.base}/projects/${enc(project)}/trends`);
    await page.waitForSelector('.benchmark-link');
    await page.getByLabel('Search benchmarks').fill(family);
    await page.waitForFunction((q) => new URLSearchParams(location.search).get('q') === q, family);
    const { body } = await apiGet(server.base, `/api/v1/projects/${enc(project)}/benchmarks?q=${enc(family)}`);
    const expected = (listOf(body, 'benchmarks')).map((b) => b.name);
    await page.waitForFunction((n) => document.querySelector('.result-count')?.textContent.startsWith(`${n} benchmark`), expected.length);
    const shown = await page.$$eval('.benchmark-link', (as) => as.map((a) => a.textContent));
    assert.ok(expected.length < benchmarks.length, `"${family}" narrows the list`);
    for (const name of shown) assert.ok(expected.includes(name), `${name} is an API match`);
    assert.equal(shown.length, Math.min(expected.length, 24));

    await page.getByLabel('Search benchmarks').fill('no-such-benchmark-zzz');
    await page.waitForSelector('text=No benchmark matches');
    await browser.screenshot(page, '03-search-empty');
  });

  test('the demo regression is marked on its series with its % change', async () => {
    const { alert, series } = await knownRegression();
    assert.ok(series.change_points.length > 0, 'the API reports change points');
    const url = `${server.base}/projects/${enc(project)}/series?benchmark=${enc(alert.benchmark)}&metric=${enc(alert.metric)}&testbed=${enc(alert.testbed)}&branch=${enc(alert.branch ?? '')}`;
    await page.goto(url);
    await page.waitForSelector('.chart-main canvas');
    const chart = await page.$eval('.chart-main', (c) => ({ points: Number(c.dataset.points), cps: Number(c.dataset.changePoints) }));
    assert.equal(chart.points, series.points.length);
    assert.equal(chart.cps, series.change_points.length);
    const marker = page.locator(`.cp-marker[data-commit="${alert.commit}"]`);
    await marker.waitFor();
    assert.equal((await marker.textContent()).trim(), formatChange(alert.change));
    assert.match(await marker.getAttribute('class'), alert.kind === 'regression' ? /cp-bad/ : /cp-good/);
    const rows = await page.$$eval('tr.cp-row', (trs) => trs.map((tr) => tr.dataset.commit));
    assert.deepEqual(rows, series.change_points.map((c) => c.commit));
    assert.deepEqual(await unlabelled(page), []);
    await browser.screenshot(page, '04-series-regression');
  });

  test('hovering and the keyboard both show the tooltip with commit, value and n', async () => {
    const { series } = await knownRegression();
    const box = await page.locator('.chart-main .u-over').boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const tip = page.locator('.chart-main .chart-tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.textContent(), /n=\d+/);
    await page.mouse.move(0, 0);
    await page.focus('.chart-main');
    await page.keyboard.press('End');
    await tip.waitFor({ state: 'visible' });
    const last = series.points[series.points.length - 1];
    const text = await tip.textContent();
    assert.ok(text.includes(shortSha(last.commit)), `tooltip names the newest commit: ${text}`);
    assert.ok(text.includes(`n=${last.n}`));
    await page.keyboard.press('Home');
    assert.ok((await tip.textContent()).includes(shortSha(series.points[0].commit)));
    await browser.screenshot(page, '05-tooltip');
  });

  test('a parameterised family is plotted against its parameter', async () => {
    const families = new Map();
    for (const b of benchmarks) {
      const { family } = splitName(b.name);
      if (family) families.set(family, (families.get(family) ?? 0) + 1);
    }
    const [family, members] = [...families.entries()].sort((a, b) => b[1] - a[1])[0];
    assert.ok(members >= 2, 'the demo has a family');
    await page.goto(`${server.base}/projects/${enc(project)}/family?name=${enc(family)}`);
    await page.waitForSelector('.family-page canvas');
    assert.equal(await page.$eval('.chart-main', (c) => Number(c.dataset.members)), members);
    assert.equal(await page.locator('.family-table tbody tr').count(), members);
    await browser.screenshot(page, '06-family');
  });

  test('two testbeds overlay on one chart and sit side by side', async (t) => {
    if (testbeds.length < 2) return t.skip('the server lists fewer than two testbeds');
    const { alert } = await knownRegression();
    const [a, b] = testbeds;
    const base = `${server.base}/projects/${enc(project)}/series?benchmark=${enc(alert.benchmark)}&metric=${enc(alert.metric)}&testbed=${enc(a)}&vs=${enc(b)}`;
    await page.goto(base);
    await page.waitForSelector('.chart-main canvas');
    assert.equal(await page.$eval('.chart-main', (c) => c.dataset.series), '2');
    await browser.screenshot(page, '07-testbeds-overlay');
    await page.goto(`${base}&layout=side`);
    await page.waitForSelector('.side-by-side canvas');
    assert.equal(await page.locator('.side-by-side .chart').count(), 2);
    await browser.screenshot(page, '08-testbeds-side');
  });

  test('the compare view shows the API verdicts with colours', async () => {
    const { alert, series } = await knownRegression();
    const index = series.points.findIndex((p) => p.commit === alert.commit);
    assert.ok(index > 0);
    const base = series.points[index - 1].commit;
    const head = alert.commit;
    const { status, body } = await apiGet(server.base, `/api/v1/projects/${enc(project)}/compare?base=${base}&head=${head}&format=json`);
    assert.equal(status, 200);
    await page.goto(`${server.base}/projects/${enc(project)}/compare?base=${base}&head=${head}`);
    await page.waitForSelector('.compare-table');
    const rows = await page.$$eval('tr.verdict-row', (trs) => trs.map((tr) => [tr.dataset.benchmark, tr.dataset.verdict, tr.querySelector('.badge').className]));
    assert.equal(rows.length, body.benchmarks.length);
    const byName = new Map(body.benchmarks.map((b) => [`${b.name}`, b.verdict]));
    for (const [name, verdict, badge] of rows) {
      assert.equal(verdict, byName.get(name), name);
      assert.ok(badge.includes(`verdict-${verdict}`));
    }
    const regressed = body.benchmarks.filter((b) => b.verdict === 'regressed').length;
    if (regressed) {
      assert.equal(rows[0][1], 'regressed', 'regressions come first');
      const color = await page.$eval('tr.verdict-regressed .badge', (e) => getComputedStyle(e).color);
      assert.notEqual(color, await page.$eval('tr.verdict-row .badge', (e) => getComputedStyle(document.body).color));
    }
    await browser.screenshot(page, '09-compare');

    // The form leads to the same deep link.
    await page.goto(`${server.base}/projects/${enc(project)}/compare`);
    await page.waitForSelector('text=Choose two commits or branches');
    await page.getByLabel('Base (commit or branch)').fill(base);
    await page.getByLabel('Head (commit or branch)').fill(head);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForSelector('.compare-table');
    assert.equal(new URL(page.url()).search, `?base=${base}&head=${head}`);
  });

  test('the alerts list matches the API and links to each series', async () => {
    const { body } = await apiGet(server.base, `/api/v1/projects/${enc(project)}/alerts`);
    // Grouped by causing commit (issue 14), or the older flat list.
    const grouped = Array.isArray(body?.groups);
    const alerts = grouped ? body.groups.flatMap((g) => g.alerts.map((a) => ({ ...a, kind: 'grouped' }))) : listOf(body, 'alerts');
    await page.goto(`${server.base}/projects/${enc(project)}/alerts`);
    await page.waitForSelector(alerts.length ? '.alerts-table' : 'text=No alerts');
    assert.equal(await page.locator('tr.alert-row').count(), alerts.length);
    if (grouped) assert.equal(await page.locator('section.alert-group').count(), body.groups.length);
    await browser.screenshot(page, '10-alerts');
    const improvements = alerts.filter((a) => a.kind === 'improvement').length;
    if (improvements && improvements < alerts.length) {
      await page.getByLabel('Kind').focus();
      await page.getByLabel('Kind').selectOption('improvement');
      await page.waitForFunction((n) => document.querySelectorAll('tr.alert-row').length === n, improvements);
      assert.equal(new URL(page.url()).searchParams.get('kind'), 'improvement');
      assert.equal(await page.evaluate(() => document.activeElement?.name), 'kind', 'focus stays on the filter');
      await page.goto(`${server.base}/projects/${enc(project)}/alerts`);
      await page.waitForSelector('.alerts-table');
    }
    if (alerts.length) {
      await page.locator('tr.alert-row a').first().click();
      await page.waitForSelector('.chart-main canvas');
      assert.equal(await page.textContent('h1'), alerts[0].benchmark);
      await page.goBack();
      await page.waitForSelector('.alerts-table');
    }
  });

  test('deep links open directly and unknown things say so', async () => {
    await page.goto(`${server.base}/no/such/page`);
    await page.waitForSelector('text=Page not found');
    await page.goto(`${server.base}/projects/no-such-project-zzz`);
    await page.waitForSelector('text=No project named');
    await browser.screenshot(page, '11-unknown-project');
    await page.goto(`${server.base}/projects/${enc(project)}/series?benchmark=no-such-benchmark-zzz`);
    await page.waitForSelector('text=No series');
    await page.goto(`${server.base}/projects/${enc(project)}/compare?base=0000000000000000000000000000000000000000&head=main`);
    await page.waitForSelector('.notice-error[role=alert]');
    assert.match(await page.textContent('.notice-error'), /HTTP 404/);
    // Old hash links still work.
    await page.goto(`${server.base}/#/projects/${enc(project)}/alerts`);
    await page.waitForSelector('.alerts-page');
    assert.equal(new URL(page.url()).pathname, `/projects/${enc(project)}/alerts`);
  });

  test('the page fetched nothing from other hosts and logged no errors', () => {
    assert.deepEqual(browser.external, []);
    assert.deepEqual(browser.errors.filter((e) => !/status of 404/.test(e)), []);
  });
});
