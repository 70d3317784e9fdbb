// Gateway dashboard: plain script, no build step. Talks to the API in docs/DASHBOARD.md from the same origin.
// Everything that comes from the API is written with textContent or setAttribute, never parsed as HTML.
(function () {
  'use strict';

  const MINUTE = 60 * 1000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  const RANGES = {
    '1h': { label: 'last hour', step: 'minute', stepMs: MINUTE, count: 60, per: 'per minute' },
    '24h': { label: 'last 24 hours', step: 'hour', stepMs: HOUR, count: 24, per: 'per hour' },
    '7d': { label: 'last 7 days', step: 'hour', stepMs: HOUR, count: 7 * 24, per: 'per hour' },
    '30d': { label: 'last 30 days', step: 'day', stepMs: DAY, count: 30, per: 'per day' },
  };
  const COUNTERS = ['events', 'bots', 'humanOpens', 'machineOpens', 'conversions'];
  const REFRESH_MS = 30 * 1000;
  const RECENT_ROWS = 100;
  // The server sends at most this many recent events per tick; a full tick may have left some out.
  const TICK_RECENT_CAP = 50;
  const LIVE_MINUTES = 60;
  // Ticks come every second; this long without one means the stream is stuck even if it is still open.
  const STALE_MS = 5000;
  const BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];
  const NONE = '–';
  // The recent table's columns, named on each cell (data-field) for tests and user styles.
  const RECENT_FIELDS = ['time', 'pixel', 'event', 'channel', 'page', 'referrer', 'country', 'browser', 'os', 'device', 'bot', 'open', 'value'];
  const LISTS = [
    { key: 'referrerHosts', title: 'Top referrers', column: 'Referrer', id: 'top-referrers' },
    { key: 'pages', title: 'Top pages', column: 'Page', id: 'top-pages' },
    { key: 'countries', title: 'Countries', column: 'Country', id: 'top-countries' },
    { key: 'browsers', title: 'Browsers', column: 'Browser', id: 'top-browsers' },
    { key: 'operatingSystems', title: 'Operating systems', column: 'OS', id: 'top-os' },
    { key: 'devices', title: 'Devices', column: 'Device', id: 'top-devices' },
    { key: 'referrerMedia', title: 'Referrer media', column: 'Medium', id: 'top-referrer-media' },
    { key: 'eventNames', title: 'Event names', column: 'Event', id: 'top-events' },
    { key: 'channels', title: 'Channels', column: 'Channel', id: 'top-channels' },
  ];
  // Series colours; contrast ratios are listed in dashboard.css. Each series also differs by dash pattern.
  const COLOURS = { events: '#0a58a8', bots: '#a1271b', conversions: '#1f6f3a', visitors: '#5b3f9e', axis: '#4a5260', grid: '#e1e4e8' };

  const numberFormat = new Intl.NumberFormat();
  const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

  const $ = (selector) => document.querySelector(selector);
  const byTestId = (id) => document.querySelector('[data-testid="' + id + '"]');

  const state = {
    pixel: '',
    range: '1h',
    // Bumped on every selector change: answers to older requests are dropped.
    generation: 0,
    metrics: null,
    rangePoints: [],
    // The last hour per minute as the server had it at the last refresh, and the minute that refresh ended in.
    baseMinutes: new Map(),
    baseMinute: 0,
    // The newest tick's point for every minute seen since then: these are added on top of the refreshed numbers.
    liveMinutes: new Map(),
    abnormalActive: -1,
    recentLoading: null,
    recentReloadAgain: false,
    recentBuffer: [],
    charts: {},
    pixels: [],
  };

  // ---------------------------------------------------------------- API

  class Unauthorized extends Error {}

  let leaving = false;
  function toLogin() {
    if (!leaving) {
      leaving = true;
      window.location.assign('/dashboard/login');
    }
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
    if (response.status === 401) {
      toLogin();
      throw new Unauthorized('session ended');
    }

    if (!response.ok) {
      let message = 'HTTP ' + response.status;
      try {
        const body = await response.json();
        if (body && typeof body.error === 'string') {
          message = body.error;
        }
      } catch (ignored) {
        // Not JSON: keep the status.
      }

      throw new Error(message);
    }

    return response.json();
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') {
        search.set(name, String(value));
      }
    }

    const text = search.toString();
    return text ? '?' + text : '';
  }

  function showError(message) {
    const el = $('#error');
    if (message) {
      el.textContent = message;
      el.hidden = false;
    } else if (!el.hidden) {
      el.hidden = true;
      el.textContent = '';
    }
  }

  // ---------------------------------------------------------------- formatting

  function floorTo(ms, stepMs) {
    // Steps are whole UTC minutes, hours and days, as the server buckets them.
    return ms - (((ms % stepMs) + stepMs) % stepMs);
  }

  function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  }

  function text(value) {
    return value === null || value === undefined || value === '' ? NONE : String(value);
  }

  function setNumber(el, value, formatted) {
    if (!el) {
      return;
    }

    const raw = String(value);
    if (el.dataset.value !== raw || el.textContent !== formatted) {
      el.dataset.value = raw;
      el.textContent = formatted === undefined ? numberFormat.format(value) : formatted;
    }
  }

  function formatTime(iso) {
    const ms = Date.parse(iso);
    if (!Number.isFinite(ms)) {
      return text(iso);
    }

    const date = new Date(ms);
    return Date.now() - ms < 20 * HOUR ? timeFormat.format(date) : dateTimeFormat.format(date);
  }

  function timeElement(iso) {
    const el = document.createElement('time');
    if (typeof iso === 'string') {
      el.setAttribute('datetime', iso);
      const ms = Date.parse(iso);
      if (Number.isFinite(ms)) {
        el.title = dateTimeFormat.format(new Date(ms));
      }
    }

    el.textContent = formatTime(iso);
    return el;
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(amount);
    } catch (ignored) {
      // Not an ISO 4217 code the browser knows: show it as sent.
      return amount.toFixed(2) + ' ' + currency;
    }
  }

  function cell(tag, content, className) {
    const el = document.createElement(tag);
    if (className) {
      el.className = className;
    }

    if (content instanceof Node) {
      el.appendChild(content);
    } else {
      el.textContent = text(content);
    }

    return el;
  }

  function bar(fraction) {
    const el = document.createElement('span');
    el.className = 'bar';
    el.setAttribute('aria-hidden', 'true');
    // Setting a style property from script is allowed by the CSP; a style attribute in markup is not.
    el.style.width = Math.max(0, Math.min(100, fraction * 100)).toFixed(1) + '%';
    return el;
  }

  // ---------------------------------------------------------------- charts

  const Y_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7];

  function makeChart(key, seriesList) {
    const box = byTestId('chart-' + key);
    const series = [{ label: 'Time' }].concat(seriesList.map((s) => ({
      label: s.label,
      stroke: s.colour,
      width: 2,
      dash: s.dash,
      spanGaps: false,
      points: { show: false },
      value: (u, v) => (v === null || v === undefined ? NONE : numberFormat.format(v)),
    })));
    const axis = { stroke: COLOURS.axis, grid: { stroke: COLOURS.grid, width: 1 }, ticks: { stroke: COLOURS.grid, width: 1 } };
    const options = {
      width: Math.max(240, box.clientWidth),
      height: 190,
      series: series,
      scales: {
        x: { time: true },
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      axes: [
        // Time labels such as "10:10am" need about 60 px each.
        Object.assign({}, axis, { space: 80 }),
        Object.assign({}, axis, { incrs: Y_INCREMENTS, size: 50, values: (u, splits) => splits.map((v) => numberFormat.format(v)) }),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
    };
    const empty = [[]].concat(seriesList.map(() => []));
    const chart = new window.uPlot(options, empty, box);
    state.charts[key] = { chart: chart, box: box, lastWidth: options.width };
    return chart;
  }

  function createCharts() {
    makeChart('live', [
      { label: 'Events', colour: COLOURS.events },
      { label: 'Bot events', colour: COLOURS.bots, dash: [6, 4] },
    ]);
    makeChart('events', [
      { label: 'Events', colour: COLOURS.events },
      { label: 'Bot events', colour: COLOURS.bots, dash: [6, 4] },
      { label: 'Conversions', colour: COLOURS.conversions, dash: [2, 3] },
    ]);
    makeChart('visitors', [
      { label: 'Visitors', colour: COLOURS.visitors },
    ]);

    // Charts follow their box's width (laptop screens, narrow windows); one resize per frame at most.
    let pending = false;
    const resize = () => {
      pending = false;
      for (const entry of Object.values(state.charts)) {
        const width = Math.max(240, Math.floor(entry.box.clientWidth));
        if (width !== entry.lastWidth) {
          entry.lastWidth = width;
          entry.chart.setSize({ width: width, height: 190 });
        }
      }
    };
    const observer = new ResizeObserver(() => {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(resize);
      }
    });
    for (const entry of Object.values(state.charts)) {
      observer.observe(entry.box);
    }
  }

  function describe(box, what, points, key, per) {
    let peak = null;
    let sum = 0;
    for (const p of points) {
      const v = p[key];
      if (typeof v === 'number') {
        sum += v;
        if (peak === null || v > peak[key]) {
          peak = p;
        }
      }
    }

    const last = points.length ? points[points.length - 1][key] : null;
    let label = what + ' ' + per + ': latest ' + text(last === null || last === undefined ? null : numberFormat.format(last));
    if (peak) {
      label += ', peak ' + numberFormat.format(peak[key]) + ' at ' + dateTimeFormat.format(new Date(peak.t));
      if (key !== 'visitors') {
        label += ', ' + numberFormat.format(sum) + ' in all';
      }
    }

    box.setAttribute('aria-label', label + '.');
  }

  // ---------------------------------------------------------------- merging live ticks into the refreshed numbers

  // What the ticks added since the last refresh: per counter, and per bucket of the selected range's step.
  function liveDelta(stepMs) {
    const total = {};
    for (const k of COUNTERS) {
      total[k] = 0;
    }

    const buckets = new Map();
    for (const [minute, point] of state.liveMinutes) {
      if (minute < state.baseMinute) {
        continue;
      }

      const base = state.baseMinutes.get(minute);
      const bucket = floorTo(minute, stepMs);
      let add = buckets.get(bucket);
      if (!add) {
        add = {};
        buckets.set(bucket, add);
      }

      for (const k of COUNTERS) {
        // Counters only grow: a tick older than the refresh must not take anything away.
        const d = Math.max(0, num(point[k]) - (base ? num(base[k]) : 0));
        total[k] += d;
        add[k] = (add[k] || 0) + d;
      }

      add.visitorsMinute = point.visitors;
      add.minute = minute;
    }

    return { total: total, buckets: buckets };
  }

  // The selected range's points with the live buckets added; a new bucket slides the window along.
  function rangePointsWithLive(delta, stepMs) {
    const points = state.rangePoints.map((p) => Object.assign({}, p));
    if (!points.length) {
      return points;
    }

    const length = points.length;
    for (const [bucket, add] of [...delta.buckets].sort((a, b) => a[0] - b[0])) {
      while (bucket > points[points.length - 1].t) {
        const t = points[points.length - 1].t + stepMs;
        points.push({ t: t, events: 0, bots: 0, humanOpens: 0, machineOpens: 0, conversions: 0, visitors: stepMs === MINUTE ? 0 : null });
      }

      const index = Math.round((bucket - points[0].t) / stepMs);
      const p = points[index];
      if (!p) {
        continue;
      }

      for (const k of COUNTERS) {
        p[k] = num(p[k]) + (add[k] || 0);
      }

      // Distinct visitors only add up within one minute: the minute step takes the tick's own estimate.
      if (stepMs === MINUTE && typeof add.visitorsMinute === 'number') {
        p.visitors = Math.max(num(p.visitors), add.visitorsMinute);
      }
    }

    return points.slice(points.length - length);
  }

  // The last 60 minutes for the live chart: the refreshed minutes, overridden by newer ticks.
  function liveChartPoints() {
    let newest = state.baseMinute;
    for (const minute of state.liveMinutes.keys()) {
      newest = Math.max(newest, minute);
    }

    if (!newest) {
      newest = floorTo(Date.now(), MINUTE);
    }

    const points = [];
    for (let i = LIVE_MINUTES - 1; i >= 0; i--) {
      const t = newest - i * MINUTE;
      const base = state.baseMinutes.get(t);
      const live = state.liveMinutes.get(t);
      let p = base || live || null;
      if (base && live && num(live.events) >= num(base.events)) {
        p = live;
      }

      points.push({ t: t, events: p ? num(p.events) : 0, bots: p ? num(p.bots) : 0 });
    }

    return points;
  }

  // ---------------------------------------------------------------- rendering

  function render() {
    const range = RANGES[state.range];
    const delta = liveDelta(range.stepMs);
    renderTotals(delta.total);

    const live = liveChartPoints();
    state.charts.live.chart.setData([live.map((p) => p.t / 1000), live.map((p) => p.events), live.map((p) => p.bots)]);
    describe(state.charts.live.box, 'Events', live, 'events', 'per minute over the last 60 minutes');

    const points = rangePointsWithLive(delta, range.stepMs);
    const xs = points.map((p) => p.t / 1000);
    state.charts.events.chart.setData([xs, points.map((p) => num(p.events)), points.map((p) => num(p.bots)), points.map((p) => num(p.conversions))]);
    describe(state.charts.events.box, 'Events', points, 'events', range.per + ', ' + range.label);
    state.charts.visitors.chart.setData([xs, points.map((p) => (typeof p.visitors === 'number' ? p.visitors : null))]);
    describe(state.charts.visitors.box, 'Visitors', points, 'visitors', range.per + ', ' + range.label);
  }

  function renderTotals(add) {
    const totals = (state.metrics && state.metrics.totals) || {};
    const value = (k) => num(totals[k]) + (add[k] || 0);
    const events = value('events');
    const bots = value('bots');
    setNumber(byTestId('total-events'), events);
    setNumber(byTestId('total-bots'), bots);
    const share = events > 0 ? bots / events : 0;
    setNumber(byTestId('bots-share'), Math.round(share * 10000) / 10000, percentFormat.format(share));
    setNumber(byTestId('total-conversions'), value('conversions'));
    setNumber(byTestId('total-visitors'), num(totals.visitors));

    const human = value('humanOpens');
    const machine = value('machineOpens');
    setNumber(byTestId('human-opens'), human);
    setNumber(byTestId('machine-opens'), machine);
    const opens = human + machine;
    renderShare($('#human-share'), opens > 0 ? human / opens : null);
    renderShare($('#machine-share'), opens > 0 ? machine / opens : null);
  }

  function renderShare(el, fraction) {
    const key = fraction === null ? '' : fraction.toFixed(4);
    if (el.dataset.value === key) {
      return;
    }

    el.dataset.value = key;
    el.replaceChildren();
    if (fraction === null) {
      el.textContent = NONE;
      return;
    }

    el.appendChild(document.createTextNode(percentFormat.format(fraction)));
    el.appendChild(bar(fraction));
  }

  function renderValue(values) {
    const el = byTestId('total-value');
    el.replaceChildren();
    const entries = Object.entries(values || {}).filter(([, v]) => typeof v === 'number').sort((a, b) => a[0].localeCompare(b[0]));
    if (!entries.length) {
      el.textContent = NONE;
      return;
    }

    entries.forEach(([currency, amount], i) => {
      if (i > 0) {
        el.appendChild(document.createTextNode(', '));
      }

      const span = document.createElement('span');
      span.dataset.currency = currency;
      span.dataset.value = String(amount);
      span.textContent = money(amount, currency);
      el.appendChild(span);
    });
  }

  function renderForward(forward) {
    const f = forward || {};
    setNumber(byTestId('forward-received'), num(f.received));
    setNumber(byTestId('forward-forwarded'), num(f.forwarded));
    setNumber(byTestId('forward-failed'), num(f.failed));
    setNumber(byTestId('forward-dropped'), num(f.dropped));
  }

  function renderPixels(pixels) {
    const list = Array.isArray(pixels) ? pixels.filter((p) => typeof p === 'string' && p !== '') : [];
    if (state.pixel && !list.includes(state.pixel)) {
      list.push(state.pixel);
    }

    list.sort((a, b) => a.localeCompare(b));
    if (list.join('\n') === state.pixels.join('\n')) {
      return;
    }

    state.pixels = list;
    const select = $('#pixel');
    while (select.options.length > 1) {
      select.remove(1);
    }

    for (const pixel of list) {
      const option = document.createElement('option');
      option.value = pixel;
      option.textContent = pixel;
      select.appendChild(option);
    }

    select.value = state.pixel;
  }

  function buildLists() {
    const container = $('#top-lists');
    for (const list of LISTS) {
      const table = document.createElement('table');
      table.className = 'data';
      table.dataset.testid = list.id;
      const caption = document.createElement('caption');
      caption.textContent = list.title;
      const head = document.createElement('thead');
      const row = document.createElement('tr');
      for (const [label, className] of [[list.column, 'value'], ['Events', 'num'], ['Share of events', 'num']]) {
        const th = cell('th', label, className);
        th.scope = 'col';
        row.appendChild(th);
      }

      head.appendChild(row);
      table.append(caption, head, document.createElement('tbody'));
      container.appendChild(table);
    }
  }

  function renderLists(totals) {
    const all = num(totals.events);
    for (const list of LISTS) {
      const body = byTestId(list.id).tBodies[0];
      const entries = Array.isArray(totals[list.key]) ? totals[list.key] : [];
      const rows = [];
      const largest = entries.reduce((m, e) => Math.max(m, num(e && e.count)), 0);
      for (const entry of entries) {
        const count = num(entry && entry.count);
        const tr = document.createElement('tr');
        const th = cell('th', entry ? entry.value : null, 'value');
        th.scope = 'row';
        const countCell = cell('td', numberFormat.format(count), 'num');
        countCell.dataset.value = String(count);
        const shareCell = cell('td', all > 0 ? percentFormat.format(count / all) : NONE, 'num bar-cell');
        shareCell.appendChild(bar(largest > 0 ? count / largest : 0));
        tr.append(th, countCell, shareCell);
        rows.push(tr);
      }

      if (!rows.length) {
        const tr = document.createElement('tr');
        tr.className = 'empty-row';
        const td = cell('td', 'No events in this range.');
        td.colSpan = 3;
        tr.appendChild(td);
        rows.push(tr);
      }

      body.replaceChildren(...rows);
    }
  }

  function renderAbnormal(data) {
    const active = Array.isArray(data && data.active) ? data.active : [];
    const history = Array.isArray(data && data.history) ? data.history : [];
    state.abnormalActive = active.length;
    setNumber(byTestId('abnormal-count'), active.length);
    byTestId('abnormal-none').hidden = active.length > 0;

    const items = active.map((alert) => {
      const li = document.createElement('li');
      li.className = 'alert';
      li.dataset.testid = 'abnormal-item';
      const tag = cell('span', [alert.cause, alert.kind].filter(Boolean).join(' · ').replace(/_/g, ' '), 'tag');
      const reason = cell('span', alert.reason, 'reason');
      const since = document.createElement('span');
      since.className = 'since';
      since.append('since ', timeElement(alert.start));
      if (alert.lastSeen) {
        since.append(', last seen ', timeElement(alert.lastSeen));
      }

      li.append(tag, reason, since);
      return li;
    });
    $('#abnormal-active').replaceChildren(...items);

    const rows = history.map((alert) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = 'abnormal-history-row';
      const reason = cell('th', alert.reason, 'value');
      reason.scope = 'row';
      tr.append(
        reason,
        cell('td', [alert.cause, alert.kind].filter(Boolean).join(' · ').replace(/_/g, ' ')),
        cell('td', timeElement(alert.start)),
        cell('td', alert.end ? timeElement(alert.end) : NONE));
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement('tr');
      const td = cell('td', 'No ended alerts.');
      td.colSpan = 4;
      tr.className = 'empty-row';
      tr.appendChild(td);
      rows.push(tr);
    }

    $('#abnormal-history-body').replaceChildren(...rows);
  }

  function recentRow(e, fresh) {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'recent-row';
    if (fresh) {
      tr.className = 'new';
      window.setTimeout(() => { tr.className = 'seen'; }, 1500);
    }

    let referrer = e.referrerHost;
    if (referrer && e.referrerMedium) {
      referrer += ' (' + e.referrerMedium + ')';
    } else if (!referrer) {
      referrer = e.referrerMedium;
    }

    const open = e.channel === 'email' ? (e.machineOpen ? 'machine' : 'person') : null;
    const value = typeof e.value === 'number' ? (e.currency ? money(e.value, e.currency) : numberFormat.format(e.value)) : null;
    const bot = cell('td', e.bot ? 'bot' : 'no', e.bot ? 'yes' : '');
    tr.append(
      cell('td', timeElement(e.time)),
      cell('td', e.pixel),
      cell('td', e.event),
      cell('td', e.channel),
      cell('td', e.page),
      cell('td', referrer),
      cell('td', e.country),
      cell('td', e.browser),
      cell('td', e.os),
      cell('td', e.device),
      bot,
      cell('td', open),
      cell('td', value, 'num'));
    RECENT_FIELDS.forEach((field, i) => { tr.cells[i].dataset.field = field; });
    return tr;
  }

  function updateRecentCount() {
    const body = $('#recent-body');
    setNumber(byTestId('recent-count'), body.rows.length);
  }

  function prependRecent(events) {
    const body = $('#recent-body');
    const fragment = document.createDocumentFragment();
    // Newest first in the tick, newest first in the table.
    for (const e of events) {
      fragment.appendChild(recentRow(e, true));
    }

    body.insertBefore(fragment, body.firstChild);
    while (body.rows.length > RECENT_ROWS) {
      body.deleteRow(body.rows.length - 1);
    }

    updateRecentCount();
  }

  function recentKey(e) {
    return JSON.stringify([e.time, e.pixel, e.event, e.channel, e.page, e.referrerHost, e.country, e.browser, e.os, e.device, e.bot, e.machineOpen, e.value, e.currency]);
  }

  // Reloads the table from /api/recent. Ticks that arrive meanwhile are held and added after it, without the events
  // the reload already holds (recent events carry no id, so equal fields mean the same event).
  function reloadRecent() {
    if (state.recentLoading) {
      state.recentReloadAgain = true;
      return state.recentLoading;
    }

    const generation = state.generation;
    state.recentBuffer = [];
    state.recentLoading = api('/api/recent' + query({ limit: RECENT_ROWS, pixel: state.pixel }))
      .then((data) => {
        if (generation !== state.generation) {
          return;
        }

        const events = Array.isArray(data && data.events) ? data.events : [];
        const body = $('#recent-body');
        body.replaceChildren(...events.slice(0, RECENT_ROWS).map((e) => recentRow(e, false)));
        const held = new Map();
        for (const e of events) {
          const key = recentKey(e);
          held.set(key, (held.get(key) || 0) + 1);
        }

        const buffered = state.recentBuffer;
        state.recentBuffer = [];
        for (const batch of buffered) {
          const fresh = batch.filter((e) => {
            const key = recentKey(e);
            const n = held.get(key) || 0;
            if (n > 0) {
              held.set(key, n - 1);
              return false;
            }

            return true;
          });
          if (fresh.length) {
            prependRecent(fresh);
          }
        }

        updateRecentCount();
      })
      .catch((error) => {
        if (!(error instanceof Unauthorized)) {
          showError('Could not load the recent events: ' + error.message);
        }
      })
      .finally(() => {
        state.recentLoading = null;
        if (state.recentReloadAgain) {
          state.recentReloadAgain = false;
          reloadRecent();
        }
      });
    return state.recentLoading;
  }

  // ---------------------------------------------------------------- refresh (metrics and abnormal)

  function bounds(range, now) {
    const to = floorTo(now, range.stepMs) + range.stepMs;
    return { from: new Date(to - range.count * range.stepMs).toISOString(), to: new Date(to).toISOString() };
  }

  let refreshing = null;
  async function refresh() {
    const generation = state.generation;
    const range = RANGES[state.range];
    const now = Date.now();
    const b = bounds(range, now);
    const rangeRequest = api('/api/metrics' + query({ pixel: state.pixel, from: b.from, to: b.to, step: range.step }));
    const lastHour = bounds(RANGES['1h'], now);
    const minuteRequest = range.step === 'minute'
      ? rangeRequest
      : api('/api/metrics' + query({ pixel: state.pixel, from: lastHour.from, to: lastHour.to, step: 'minute' }));
    const abnormalRequest = api('/api/abnormal');
    try {
      const [metrics, minutes, abnormal] = await Promise.all([rangeRequest, minuteRequest, abnormalRequest]);
      if (generation !== state.generation) {
        return;
      }

      state.metrics = metrics;
      state.rangePoints = (metrics.points || []).map((p) => Object.assign({ t: Date.parse(p.time) }, p));
      state.baseMinutes = new Map((minutes.points || []).map((p) => [Date.parse(p.time), p]));
      const minuteTimes = [...state.baseMinutes.keys()];
      state.baseMinute = minuteTimes.length ? Math.max(...minuteTimes) : floorTo(now, MINUTE);
      for (const minute of [...state.liveMinutes.keys()]) {
        if (minute < state.baseMinute) {
          state.liveMinutes.delete(minute);
        }
      }

      renderPixels(metrics.pixels);
      renderValue(metrics.totals && metrics.totals.value);
      renderForward(metrics.forward);
      renderLists(metrics.totals || {});
      renderAbnormal(abnormal);
      render();
      byTestId('metrics-source').textContent = text(metrics.source);
      byTestId('updated-at').textContent = timeFormat.format(new Date());
      showError(null);
    } catch (error) {
      if (!(error instanceof Unauthorized) && generation === state.generation) {
        showError('Could not load the metrics: ' + error.message);
      }
    }
  }

  function refreshSoon() {
    if (!refreshing) {
      refreshing = refresh().finally(() => { refreshing = null; });
    }

    return refreshing;
  }

  let abnormalLoading = false;
  function reloadAbnormal() {
    if (abnormalLoading) {
      return;
    }

    abnormalLoading = true;
    api('/api/abnormal')
      .then(renderAbnormal)
      .catch((error) => {
        if (!(error instanceof Unauthorized)) {
          showError('Could not load the abnormal events: ' + error.message);
        }
      })
      .finally(() => { abnormalLoading = false; });
  }

  // ---------------------------------------------------------------- live stream

  const live = { source: null, attempt: 0, timer: 0, lastTickAt: 0, openedAt: 0, ticked: false, dropped: false };

  function setStatus(status, message) {
    const el = byTestId('live-status');
    if (el.dataset.state !== status) {
      el.dataset.state = status;
    }

    const label = $('#live-status-text');
    if (label.textContent !== message) {
      label.textContent = message;
    }
  }

  function connect() {
    window.clearTimeout(live.timer);
    if (live.source) {
      live.source.close();
    }

    const source = new EventSource('/api/live' + query({ pixel: state.pixel }));
    live.source = source;
    live.openedAt = Date.now();
    live.lastTickAt = 0;
    live.ticked = false;
    source.addEventListener('tick', (event) => {
      if (live.source !== source) {
        return;
      }

      let tick;
      try {
        tick = JSON.parse(event.data);
      } catch (ignored) {
        return;
      }

      onTick(tick);
    });
    source.addEventListener('error', () => {
      if (live.source === source) {
        drop();
      }
    });
  }

  // The stream failed or went quiet: close it and try again after a growing pause. A 401 cannot be seen on an
  // EventSource, so a cheap API call checks the session first (and goes to the login page if it has ended).
  function drop() {
    if (live.source) {
      live.source.close();
      live.source = null;
    }

    const delay = BACKOFF_MS[Math.min(live.attempt, BACKOFF_MS.length - 1)];
    live.attempt++;
    live.dropped = true;
    setStatus('reconnecting', 'Reconnecting in ' + Math.round(delay / 1000) + ' s…');
    window.clearTimeout(live.timer);
    live.timer = window.setTimeout(() => {
      setStatus('reconnecting', 'Reconnecting…');
      api('/api/recent' + query({ limit: 1 }))
        .then(() => connect(), (error) => {
          if (!(error instanceof Unauthorized)) {
            drop();
          }
        });
    }, delay);
  }

  function onTick(tick) {
    live.lastTickAt = Date.now();
    if (!live.ticked) {
      live.ticked = true;
      live.attempt = 0;
      setStatus('live', 'Live');
      if (live.dropped) {
        // Events that came while the stream was down are in no tick: reload what they change.
        live.dropped = false;
        refreshSoon();
        reloadRecent();
      }
    }

    const minute = tick.minute || null;
    if (minute && typeof minute.time === 'string') {
      const t = Date.parse(minute.time);
      if (Number.isFinite(t)) {
        state.liveMinutes.set(t, minute);
        for (const m of [...state.liveMinutes.keys()]) {
          if (m < t - LIVE_MINUTES * MINUTE) {
            state.liveMinutes.delete(m);
          }
        }
      }
    }

    setNumber(byTestId('live-second-events'), num(tick.second));
    setNumber(byTestId('live-minute-events'), minute ? num(minute.events) : 0);
    setNumber(byTestId('live-minute-bots'), minute ? num(minute.bots) : 0);
    setNumber(byTestId('live-minute-visitors'), minute ? num(minute.visitors) : 0);
    setNumber(byTestId('live-total'), num(tick.total));
    const abnormal = num(tick.abnormal);
    setNumber(byTestId('live-abnormal'), abnormal);
    if (state.abnormalActive >= 0 && abnormal !== state.abnormalActive) {
      state.abnormalActive = abnormal;
      reloadAbnormal();
    }

    const recent = Array.isArray(tick.recent) ? tick.recent : [];
    if (state.recentLoading) {
      state.recentBuffer.push(recent);
    } else if (recent.length) {
      prependRecent(recent);
    }

    if (recent.length >= TICK_RECENT_CAP) {
      // A full tick may have left events out.
      reloadRecent();
    }

    if (state.metrics) {
      render();
    }
  }

  function watchdog() {
    const now = Date.now();
    if (live.source && now - (live.lastTickAt || live.openedAt) > STALE_MS) {
      drop();
    }
  }

  // ---------------------------------------------------------------- selectors

  function readHash() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const range = params.get('range');
    state.range = Object.prototype.hasOwnProperty.call(RANGES, range) ? range : '1h';
    state.pixel = params.get('pixel') || '';
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (state.pixel) {
      params.set('pixel', state.pixel);
    }

    if (state.range !== '1h') {
      params.set('range', state.range);
    }

    const hash = params.toString();
    window.history.replaceState(null, '', hash ? '#' + hash : window.location.pathname + window.location.search);
  }

  function applyRangeLabels() {
    const range = RANGES[state.range];
    byTestId('range-label').textContent = range.label;
    $('#history-label').textContent = range.per + ', ' + range.label;
    $('#chart-events-caption').textContent = 'Events, bot events and conversions ' + range.per + ', ' + range.label + '.';
    $('#chart-visitors-caption').textContent = 'Visitors ' + range.per + ', ' + range.label + ' (estimate; gaps where unknown).';
  }

  function onSelectorChange() {
    const pixel = $('#pixel').value;
    const range = $('#range').value;
    const pixelChanged = pixel !== state.pixel;
    state.pixel = pixel;
    state.range = Object.prototype.hasOwnProperty.call(RANGES, range) ? range : '1h';
    state.generation++;
    state.liveMinutes.clear();
    state.baseMinutes = new Map();
    state.baseMinute = 0;
    writeHash();
    applyRangeLabels();
    refreshSoon();
    if (pixelChanged) {
      $('#recent-body').replaceChildren();
      updateRecentCount();
      state.recentLoading = null;
      state.recentReloadAgain = false;
      connect();
      reloadRecent();
    }
  }

  // ---------------------------------------------------------------- start

  function start() {
    readHash();
    const select = $('#pixel');
    if (state.pixel) {
      renderPixels([]);
      select.value = state.pixel;
    }

    $('#range').value = state.range;
    $('#time-zone').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
    $('#controls').addEventListener('submit', (event) => event.preventDefault());
    select.addEventListener('change', onSelectorChange);
    $('#range').addEventListener('change', onSelectorChange);
    applyRangeLabels();
    buildLists();
    createCharts();
    connect();
    reloadRecent();
    refreshSoon();
    window.setInterval(refreshSoon, REFRESH_MS);
    window.setInterval(watchdog, 1000);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
