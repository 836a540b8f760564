// Time until a dashboard page's charts are drawn, in Debian's headless Chromium over the DevTools protocol (Node's
// experimental WebSocket; no npm package). Usage:
//   node --experimental-websocket scripts/bench_page_draw.mjs BASE_URL RUNS [USER PASSWORD]
// With DW_SCREENSHOTS=DIR it also writes a PNG of each page once its charts are drawn (to look at what was timed).
// With USER and PASSWORD it first signs in through the app's /signin form (pages need a signed-in user).
// For each page: navigate, then poll every 20 ms until every chart of the page has an SVG with at least one trace
// (and, for a table page, its first row is there).
// Prints one Markdown row per page: first load, median and slowest of the following runs (ms).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, runsArg, user, password] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
// A page is drawn when every chart listed has a trace (and every `rows` selector matches): the modality pages'
// boxes, trend, scatter and per-device charts (their slugs: ModalityPages.cs), the CT page's own boxes too.
const modality = slug => ['boxes', 'trend', 'scatter', 'devices'].map(c => `#${slug}-${c}`);
const pages = [
  { path: '/', charts: ['#trend-chart'] },
  { path: '/ct', charts: ['#ctdivol-chart', '#dlp-chart'] },
  { path: '/ct', label: '/ct, whole page', charts: ['#ctdivol-chart', '#dlp-chart', '#ct-trend', '#ct-scatter', '#ct-devices'] },
  ...['fluoroscopy', 'radiography', 'mammography', 'nuclear', 'mr', 'ultrasound'].map(slug => ({ path: '/' + slug, charts: modality(slug) })),
  { path: '/studies', charts: [], rows: ['table tbody tr[data-study]'] },
  { path: '/protocols', charts: [], rows: ['tr[data-raw]'] },
];

const profile = mkdtempSync(join(tmpdir(), 'dw-bench-chromium-'));
const chromium = spawn('/usr/bin/chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1280,800',
  '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
const browserUrl = await new Promise((resolve, reject) => {
  let text = '';
  chromium.stderr.on('data', d => { text += d; const m = text.match(/DevTools listening on (ws:\/\/\S+)/); if (m) resolve(m[1]); });
  chromium.on('exit', code => reject(new Error(`chromium exited ${code}: ${text}`)));
});
const port = new URL(browserUrl).port;
const target = await (await fetch(`http://127.0.0.1:${port}/json/new?about:blank`, { method: 'PUT' })).json();
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise(r => ws.addEventListener('open', r, { once: true }));
let nextId = 1;
const pending = new Map();
ws.addEventListener('message', e => {
  const m = JSON.parse(e.data);
  if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); }
});
const send = (method, params = {}) => new Promise(resolve => { const id = nextId++; pending.set(id, resolve); ws.send(JSON.stringify({ id, method, params })); });

// Milliseconds until drawn; or the reason it was not: the page's empty state (no data of that modality), or 60 s.
async function drawnMs(page) {
  const condition = [...page.charts.map(c => `!!document.querySelector('${c} svg.main-svg g.trace')`),
    ...(page.rows ?? []).map(r => `!!document.querySelector('${r}')`)].join(' && ');
  const started = performance.now();
  await send('Page.navigate', { url: base + page.path });
  while (performance.now() - started < 60000) {
    const r = await send('Runtime.evaluate', { expression: `(${condition}) ? 'drawn' : document.querySelector('[data-section=empty]') ? 'empty' : ''`, returnByValue: true });
    if (r.result?.result?.value === 'drawn') return performance.now() - started;
    if (r.result?.result?.value === 'empty') return 'empty state (no data of this modality)';
    await new Promise(r => setTimeout(r, 20));
  }
  return 'not drawn within 60 s';
}

async function until(expression, what) {
  const started = performance.now();
  while (performance.now() - started < 60000) {
    const r = await send('Runtime.evaluate', { expression, returnByValue: true });
    if (r.result?.result?.value === true) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`${what} within 60 s`);
}

async function signIn() {
  await send('Page.navigate', { url: base + '/signin' });
  await until(`!!document.querySelector('form.signin-form input[name=UserName]')`, 'no sign-in form');
  await send('Runtime.evaluate', { expression: `(() => {
    document.querySelector('input[name=UserName]').value = ${JSON.stringify(user)};
    document.querySelector('input[name=Password]').value = ${JSON.stringify(password)};
    document.querySelector('form.signin-form button[type=submit]').click(); })()` });
  await until(`location.pathname !== '/signin' && document.readyState === 'complete'`, 'still on the sign-in page');
}

try {
  await send('Page.enable');
  if (user) await signIn();
  else {
    // Pages need a signed-in user or a key (docs/security.md): the bench key from bench_lib.sh on every request.
    await send('Network.enable');
    await send('Network.setExtraHTTPHeaders', { headers: { Authorization: `Bearer ${process.env.BENCH_API_KEY ?? ''}` } });
  }
  for (const page of pages) {
    const name = `${page.label ?? page.path} (${[...page.charts, ...(page.rows ?? [])].join(', ')})`;
    const first = await drawnMs(page);
    if (typeof first === 'string') { console.log(`| ${name} | ${first} | | |`); continue; }
    if (process.env.DW_SCREENSHOTS) {
      await new Promise(r => setTimeout(r, 500));   // let Plotly finish the frame it is drawing
      const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
      writeFileSync(join(process.env.DW_SCREENSHOTS, (page.path === '/' ? 'overview' : page.path.slice(1)) + (page.label ? '-whole' : '') + '.png'), Buffer.from(shot.result.data, 'base64'));
    }
    const times = [];
    for (let i = 0; i < runs; i++) { const t = await drawnMs(page); if (typeof t === 'number') times.push(t); }
    if (times.length === 0) { console.log(`| ${name} | ${first.toFixed(0)} | later runs not drawn | |`); continue; }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${first.toFixed(0)} | ${times[Math.floor(times.length / 2)].toFixed(0)} | ${times.at(-1).toFixed(0)} |`);
  }
} finally {
  ws.close();
  const exited = new Promise(r => chromium.once('exit', r));
  chromium.kill();
  await exited;   // chromium writes its profile until it has exited
  try { rmSync(profile, { recursive: true, force: true }); } catch { /* a leftover temp profile is harmless */ }
}
