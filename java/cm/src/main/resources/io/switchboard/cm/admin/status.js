// The live status page of a Switchboard instance: polls GET /admin/status once a second (never two at once)
// and renders it. No framework, nothing loaded from elsewhere; text goes into the page with textContent only.
//
// What a test (or a curious operator) can read in the DOM:
//   #workers tbody tr[data-slot=N]   one row per worker slot, with data-state and data-pid;
//     td.slot, td.state, td.pid, td.jdk, td.uptime, td.requests, td.rate, td.channels, td.sessions,
//     td.restarts, td.rss           each cell's raw number (or text) also in its data-value attribute
//   #state, #cm-pid, #uptime, #workers-ready, #request-rate, #channels, #rpc-sessions, #rolling-restart
//   #traffic                         shown only when the status document carries a "traffic" object
//   document.body.dataset.polls      status documents rendered so far; data-error when the last poll failed
//
// Rates are differences between two polls divided by the time between them: requests/s from traffic's
// requests_total when present, else from the sum of the workers' requests (those given to workers).
'use strict';

(function () {
  const POLL_MS = 1000;
  const TIMEOUT_MS = 5000;
  const DASH = '\u2013';

  /** The previous poll: when, the traffic total, and per slot the pid and requests (a new pid restarts the count). */
  let previous = null;
  let polls = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    const element = byId(id);
    if (element) {
      element.textContent = text;
    }
  }

  function isNumber(value) {
    return typeof value === 'number' && Number.isFinite(value);
  }

  function count(value) {
    return isNumber(value) ? value.toLocaleString('en-US') : DASH;
  }

  function bytes(value) {
    if (!isNumber(value) || value < 0) {
      return DASH;
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let scaled = value;
    let unit = 0;
    while (scaled >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit++;
    }
    return (unit === 0 ? scaled.toString() : scaled.toFixed(scaled < 10 ? 1 : 0)) + ' ' + units[unit];
  }

  function duration(seconds) {
    if (!isNumber(seconds) || seconds < 0) {
      return DASH;
    }
    const d = Math.floor(seconds / 86400);
    const h = Math.floor(seconds % 86400 / 3600);
    const m = Math.floor(seconds % 3600 / 60);
    const s = Math.floor(seconds % 60);
    if (d > 0) {
      return d + ' d ' + h + ' h';
    }
    if (h > 0) {
      return h + ' h ' + String(m).padStart(2, '0') + ' min';
    }
    if (m > 0) {
      return m + ' min ' + String(s).padStart(2, '0') + ' s';
    }
    return s + ' s';
  }

  function micros(value) {
    if (!isNumber(value) || value < 0) {
      return DASH;
    }
    if (value < 1000) {
      return value + ' \u00b5s';
    }
    if (value < 1000000) {
      return (value / 1000).toFixed(value < 10000 ? 2 : 1) + ' ms';
    }
    return (value / 1000000).toFixed(2) + ' s';
  }

  function rate(perSecond) {
    return isNumber(perSecond) ? perSecond.toFixed(perSecond < 10 ? 1 : 0) : DASH;
  }

  /** @return the rate of a counter between two polls, or null when there is no earlier reading or it went back. */
  function perSecond(now, before, seconds) {
    if (!isNumber(now) || !isNumber(before) || now < before || !(seconds > 0)) {
      return null;
    }
    return (now - before) / seconds;
  }

  function cell(row, name, value, text) {
    let td = row.querySelector('td.' + name);
    if (!td) {
      td = document.createElement('td');
      td.className = name;
      row.appendChild(td);
    }
    td.dataset.value = value === null || value === undefined ? '' : String(value);
    td.textContent = text;
    return td;
  }

  function workerRow(tbody, slot) {
    let row = tbody.querySelector('tr[data-slot="' + slot + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.dataset.slot = String(slot);
      row.id = 'worker-slot-' + slot;
      tbody.appendChild(row);
    }
    return row;
  }

  function renderWorkers(doc, seconds) {
    const tbody = byId('workers').tBodies[0];
    const slots = Array.isArray(doc.slots) ? doc.slots : [];
    const seen = new Set();
    const requests = new Map();
    let ready = 0;
    let rateSum = null;
    for (const slot of slots) {
      seen.add(String(slot.slot));
      const row = workerRow(tbody, slot.slot);
      const state = String(slot.state);
      row.dataset.state = state;
      row.dataset.pid = String(slot.pid);
      if (state === 'READY') {
        ready++;
      }
      const before = previous && previous.slots.get(slot.slot);
      const sameWorker = before && before.pid === slot.pid;
      const slotRate = sameWorker ? perSecond(slot.requests, before.requests, seconds) : null;
      if (slotRate !== null) {
        rateSum = (rateSum || 0) + slotRate;
      }
      requests.set(slot.slot, {pid: slot.pid, requests: slot.requests});

      cell(row, 'slot', slot.slot, String(slot.slot));
      cell(row, 'state', state, state).dataset.state = state;
      cell(row, 'pid', slot.pid, slot.pid > 0 ? String(slot.pid) : DASH);
      cell(row, 'jdk', slot.jdk, slot.jdk ? String(slot.jdk) : DASH);
      cell(row, 'uptime', slot.uptime_s, duration(slot.uptime_s));
      cell(row, 'requests', slot.requests, count(slot.requests));
      cell(row, 'rate', slotRate === null ? '' : slotRate.toFixed(2), rate(slotRate));
      cell(row, 'channels', slot.open_channels, count(slot.open_channels));
      cell(row, 'sessions', slot.sessions, count(slot.sessions));
      cell(row, 'restarts', slot.restarts, count(slot.restarts));
      cell(row, 'rss', slot.rss_bytes, bytes(slot.rss_bytes));
    }
    for (const row of Array.from(tbody.rows)) {
      if (!seen.has(row.dataset.slot)) {
        row.remove();
      }
    }
    return {ready: ready, requests: requests, rateSum: rateSum};
  }

  function renderTraffic(traffic, seconds) {
    const section = byId('traffic');
    if (!traffic || typeof traffic !== 'object') {
      section.hidden = true;
      return null;
    }
    section.hidden = false;
    const responses = traffic.responses || {};
    const latency = traffic.latency_us || {};
    const requestRate = perSecond(traffic.requests_total, previous && previous.requestsTotal, seconds);
    setText('traffic-requests', count(traffic.requests_total));
    setText('traffic-rate', rate(requestRate));
    for (const kind of ['1xx', '2xx', '3xx', '4xx', '5xx']) {
      setText('traffic-' + kind, count(responses[kind]));
    }
    setText('traffic-bytes-in', bytes(traffic.bytes_in_total));
    setText('traffic-bytes-out', bytes(traffic.bytes_out_total));
    setText('traffic-sessions-open', count(traffic.rpc_sessions_open));
    setText('traffic-sessions-total', count(traffic.rpc_sessions_total));
    setText('traffic-dropped', count(traffic.events_dropped_total));
    for (const percentile of ['p50', 'p90', 'p99', 'max']) {
      setText('latency-' + percentile, micros(latency[percentile]));
    }
    setText('latency-window', isNumber(latency.window_s) ? '(last ' + latency.window_s + ' s)' : '');
    return requestRate;
  }

  function render(doc, atMs) {
    const seconds = previous ? (atMs - previous.atMs) / 1000 : 0;
    const workers = renderWorkers(doc, seconds);
    const trafficRate = renderTraffic(doc.traffic, seconds);

    setText('state', String(doc.state));
    byId('state').dataset.state = String(doc.state);
    setText('cm-pid', String(doc.cm_pid));
    setText('uptime', duration(doc.uptime_s));
    setText('workers-ready', workers.ready + ' of ' + doc.workers + ' READY');
    setText('request-rate', rate(doc.traffic ? trafficRate : workers.rateSum));
    setText('channels', count(doc.channels_in_use) + ' of ' + count(doc.channels));
    setText('rpc-sessions', count(doc.rpc_sessions));
    setText('rolling-restart', doc.rolling_restart ? 'running' : 'no');

    previous = {
      atMs: atMs,
      requestsTotal: doc.traffic ? doc.traffic.requests_total : null,
      slots: workers.requests
    };
    polls++;
    document.body.dataset.polls = String(polls);
    delete document.body.dataset.error;
    const connection = byId('connection');
    connection.textContent = 'live';
    connection.className = 'connection live';
    setText('updated', 'Updated ' + new Date(atMs).toLocaleTimeString('en-GB') + '.');
  }

  function showError(message) {
    document.body.dataset.error = message;
    const connection = byId('connection');
    connection.textContent = 'cannot read the status (' + message + '); retrying; the figures below are stale';
    connection.className = 'connection down';
  }

  async function poll() {
    try {
      const response = await fetch('/admin/status', {cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS)});
      if (!response.ok) {
        showError('HTTP ' + response.status);
      } else {
        render(await response.json(), Date.now());
      }
    } catch (error) {
      showError(error && error.name === 'TimeoutError' ? 'no answer in ' + TIMEOUT_MS / 1000 + ' s' : String(error));
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
