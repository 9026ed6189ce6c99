'use strict';
// The dashboard: live state over server-sent events, the last-hour plot, the controls.

(() => {
  const { api, session, setCsrf, el, duration } = moodbox;
  const $ = (id) => document.getElementById(id);

  const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
  const COLORS = {
    angry: '#e5484d', disgust: '#7c8f2a', fear: '#8e4ec6', happy: '#e8a800',
    sad: '#3e63dd', surprise: '#f76b15', neutral: '#8b8d98'
  };
  const BUCKET_MS = 5000, SPAN_MS = 3600000;

  let info = null;          // /api/session
  let owner = false;        // logged in (controls allowed)
  let last = null;          // latest status
  let history = [];         // plot points, oldest first
  let events = null;
  let previewTimer = null, scanTimer = null;
  let volumeDragging = false;

  // ---- auth ----

  function showAuthError(err, field) {
    const p = $('auth-error');
    p.textContent = err ? err.message : '';
    p.hidden = !err;
    document.querySelectorAll('#auth input').forEach((i) => i.classList.toggle('invalid', !!field && i.name === field));
  }

  async function start() {
    try {
      info = await session();
    } catch (e) {
      $('offline').hidden = false;
      setTimeout(start, 3000);
      return;
    }
    $('offline').hidden = true;
    owner = info.loggedIn;
    document.body.classList.toggle('owner', owner);
    $('nav-settings').hidden = !owner;
    $('logout').hidden = !owner;
    const needAuth = !owner;
    $('auth').hidden = !needAuth;
    $('setup-form').hidden = info.state !== 'setup';
    $('login-form').hidden = info.state !== 'ready';
    $('damaged-msg').hidden = info.state !== 'damaged';
    $('damaged-msg').textContent = info.message || '';
    const canSee = owner || info.anonymousStatus;
    $('dash').hidden = !canSee;
    if (canSee) await openDashboard();
    else closeDashboard();
  }

  $('setup-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const password = $('setup-password').value;
    if (password !== $('setup-password2').value) {
      showAuthError(new Error('the two passwords differ'), 'password');
      return;
    }
    try {
      const r = await api('/api/setup', { method: 'POST', body: { setupCode: $('setup-code').value, password } });
      setCsrf(r.csrf);
      showAuthError(null);
      $('setup-form').reset();
      await start();
    } catch (e) {
      showAuthError(e, e.field);
    }
  });

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('/api/login', { method: 'POST', body: { password: $('login-password').value } });
      setCsrf(r.csrf);
      showAuthError(null);
      $('login-form').reset();
      await start();
    } catch (e) {
      showAuthError(e, e.field);
    }
  });

  $('logout').addEventListener('click', async () => {
    try { await api('/api/logout', { method: 'POST' }); } catch (e) { /* logged out either way */ }
    closeDashboard();
    await start();
  });

  // ---- live state ----

  async function openDashboard() {
    try {
      const h = await api('/api/history');
      history = h.points;
    } catch (e) {
      history = [];
    }
    if (events) events.close();
    events = new EventSource('/api/events');
    events.addEventListener('state', (ev) => {
      $('offline').hidden = true;
      render(JSON.parse(ev.data));
    });
    events.addEventListener('error', () => {
      // EventSource retries by itself; when it gives up (e.g. the session ended) start over.
      if (events.readyState === EventSource.CLOSED) {
        events = null;
        setTimeout(start, 2000);
      } else {
        $('offline').hidden = false;
      }
    });
    if (owner) {
      loadLibrary();
      loadQueue();
      startPreview();
    }
  }

  function closeDashboard() {
    if (events) events.close();
    events = null;
    clearInterval(previewTimer);
    clearTimeout(scanTimer);
    $('dash').hidden = true;
  }

  function render(s) {
    const trackChanged = !last || JSON.stringify(last.player && last.player.track) !== JSON.stringify(s.player && s.player.track);
    last = s;
    renderMood(s.mood, s);
    renderPlayer(s.player, s);
    renderBox(s);
    addPoint(s);
    drawPlot();
    if (owner && trackChanged) loadQueue();
  }

  function renderMood(m, s) {
    if (!m) return;
    const label = m.presence === 'unknown' ? (s.privacy ? 'privacy on' : 'not watching')
      : m.presence === 'nobody' ? 'nobody here' : m.mood;
    $('mood-label').textContent = label;
    $('mood-label').dataset.mood = m.mood;
    $('mood-swatch').style.background = m.presence === 'present' ? COLORS[m.mood] : 'transparent';
    const sub = [];
    if (m.presence === 'present') sub.push(Math.round(m.confidence * 100) + '% sure');
    if (m.locked) sub.push('held (mood lock on)');
    $('mood-sub').textContent = sub.join(' · ');
    $('faces').textContent = m.faces;
    const ul = $('emotions');
    if (ul.children.length !== EMOTIONS.length) {
      ul.replaceChildren(...EMOTIONS.map((e) => {
        const li = el('li');
        li.dataset.emotion = e;
        const bar = el('span', null, 'bar');
        const fill = el('span', null, 'fill');
        fill.style.background = COLORS[e];
        bar.append(fill);
        li.append(el('span', e, 'name'), bar, el('span', '', 'pct'));
        return li;
      }));
    }
    EMOTIONS.forEach((e, i) => {
      const v = m.emotions[e] || 0;
      const li = ul.children[i];
      li.querySelector('.fill').style.width = (v * 100).toFixed(1) + '%';
      li.querySelector('.pct').textContent = Math.round(v * 100) + '%';
    });
    $('lock').checked = m.locked;
  }

  function renderPlayer(p, s) {
    $('privacy').checked = s.privacy;
    if (!p) return;
    const t = p.track;
    const track = $('track');
    track.replaceChildren();
    if (t) {
      track.append(el('strong', t.title), el('span', ' — ' + (t.artist || 'unknown artist')));
    } else {
      track.textContent = p.state === 'no_device' ? 'No speaker found' : 'Nothing playing';
    }
    $('reason').textContent = t && p.reason ? 'Why: ' + p.reason : '';
    $('btn-toggle').textContent = p.state === 'playing' ? 'Pause' : 'Play';
    $('btn-toggle').dataset.state = p.state;
    if (!volumeDragging) {
      $('volume').value = p.volume;
      $('volume-out').textContent = p.volume + '%';
    }
  }

  function renderBox(s) {
    const c = s.camera;
    $('camera').textContent = c ? c.state.replace('_', ' ') + (c.source ? ' · ' + c.source : '') + (c.detail ? ' · ' + c.detail : '') : '–';
    $('fps').textContent = s.fps.toFixed(1) + ' frames/s';
    $('cpu').textContent = s.cpuCelsius === null ? 'not available' : s.cpuCelsius.toFixed(1) + ' °C';
    $('uptime').textContent = duration(s.uptimeSeconds);
    $('sysuptime').textContent = duration(s.systemUptimeSeconds);
    $('problems').replaceChildren(...s.problems.map((p) => el('li', p)));
  }

  // ---- the last hour ----

  function addPoint(s) {
    const m = s.mood;
    if (!m) return;
    const at = Date.parse(s.at) || Date.now();
    const p = { at, valence: m.valence, arousal: m.arousal, mood: m.mood, faces: m.faces, presence: m.presence, locked: m.locked };
    const tail = history[history.length - 1];
    if (tail && Math.floor(tail.at / BUCKET_MS) === Math.floor(at / BUCKET_MS)) history[history.length - 1] = p;
    else if (!tail || at > tail.at) history.push(p);
    const cutoff = Date.now() - SPAN_MS;
    while (history.length && history[0].at < cutoff) history.shift();
  }

  function drawPlot() {
    const canvas = $('plot');
    const cssWidth = canvas.clientWidth || 300, cssHeight = 180;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(cssWidth * dpr)) {
      canvas.width = Math.round(cssWidth * dpr);
      canvas.height = Math.round(cssHeight * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssWidth, cssHeight);
    const style = getComputedStyle(document.body);
    const ink = style.getPropertyValue('--muted').trim() || '#888';
    const left = 4, right = cssWidth - 4, top = 8, band = 12, bottom = cssHeight - 22 - band;
    const now = Date.now(), from = now - SPAN_MS;
    const x = (t) => left + (t - from) / SPAN_MS * (right - left);
    const y = (v) => top + (1 - (v + 1) / 2) * (bottom - top);

    g.strokeStyle = ink;
    g.globalAlpha = 0.35;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(left, y(0)); g.lineTo(right, y(0));
    for (let m = 0; m <= 60; m += 15) { g.moveTo(x(from + m * 60000), top); g.lineTo(x(from + m * 60000), bottom + band); }
    g.stroke();
    g.globalAlpha = 1;
    g.fillStyle = ink;
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'top';
    ['-60 min', '-45', '-30', '-15', 'now'].forEach((label, i) => {
      const px = x(from + i * 15 * 60000);
      g.textAlign = i === 0 ? 'left' : i === 4 ? 'right' : 'center';
      g.fillText(label, px, bottom + band + 6);
    });

    const pts = history.filter((p) => p.at >= from);
    // Settled-mood band: each point holds until the next one (or now).
    pts.forEach((p, i) => {
      const end = i + 1 < pts.length ? pts[i + 1].at : now;
      if (p.presence !== 'present') return;
      g.fillStyle = COLORS[p.mood] || ink;
      g.fillRect(x(p.at), bottom + 2, Math.max(1, x(end) - x(p.at)), band - 2);
    });
    const line = (key, color, dash) => {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.setLineDash(dash);
      g.beginPath();
      let drawing = false;
      pts.forEach((p, i) => {
        if (p.presence === 'unknown') { drawing = false; return; }
        const end = i + 1 < pts.length ? pts[i + 1].at : now;
        if (!drawing) { g.moveTo(x(p.at), y(p[key])); drawing = true; } else g.lineTo(x(p.at), y(p[key]));
        g.lineTo(x(end), y(p[key]));
      });
      g.stroke();
      g.setLineDash([]);
    };
    line('valence', style.getPropertyValue('--valence').trim() || '#2a9d8f', []);
    line('arousal', style.getPropertyValue('--arousal').trim() || '#e76f51', [5, 4]);
  }

  setInterval(() => { if (!$('dash').hidden) drawPlot(); }, BUCKET_MS);
  window.addEventListener('resize', () => { if (!$('dash').hidden) drawPlot(); });

  // ---- controls ----

  async function control(action, body) {
    try {
      await api('/api/controls/' + action, { method: 'POST', body });
    } catch (e) {
      flash(e.message);
      if (e.status === 401 || e.status === 403) start();
    }
  }

  function flash(message) {
    const p = $('offline');
    p.textContent = message;
    p.hidden = false;
    setTimeout(() => { p.hidden = true; p.textContent = 'Connection to the box lost; reconnecting…'; }, 4000);
  }

  $('btn-toggle').addEventListener('click', () => control('toggle'));
  $('btn-next').addEventListener('click', () => control('next'));
  $('volume').addEventListener('input', () => {
    volumeDragging = true;
    $('volume-out').textContent = $('volume').value + '%';
  });
  $('volume').addEventListener('change', async () => {
    await control('volume', { percent: Number($('volume').value) });
    volumeDragging = false;
  });
  $('lock').addEventListener('change', () => control('lock', { locked: $('lock').checked }));
  $('privacy').addEventListener('change', () => control('privacy', { on: $('privacy').checked }));

  async function loadQueue() {
    try {
      const q = await api('/api/player');
      $('queue').replaceChildren(...q.queue.map((t) => el('li', t.title + ' — ' + (t.artist || '') + ' (' + t.mood + ')')));
    } catch (e) { /* shown on next state */ }
  }

  // ---- library ----

  async function loadLibrary() {
    clearTimeout(scanTimer);
    let lib;
    try {
      lib = await api('/api/library');
    } catch (e) {
      return;
    }
    $('library').replaceChildren(...lib.moods.map((m) => {
      const li = el('li');
      const b = el('button', null, 'mood-chip');
      b.type = 'button';
      const dot = el('span', null, 'dot');
      dot.style.background = COLORS[m.mood] || 'var(--muted)';
      b.append(dot, el('span', m.mood), el('span', String(m.count), 'count'));
      b.addEventListener('click', () => showTracks(m.mood));
      li.append(b);
      return li;
    }));
    if (!lib.moods.length) $('library').replaceChildren(el('li', 'No music found yet.', 'muted'));
    const s = lib.scan;
    const bar = $('scan-progress');
    bar.hidden = !s.running;
    if (s.running) {
      bar.max = Math.max(1, s.total);
      bar.value = s.done;
      $('scan-msg').textContent = s.total ? 'Scanning ' + s.done + ' of ' + s.total + '…' : 'Counting files…';
      scanTimer = setTimeout(loadLibrary, 1000);
    } else {
      $('scan-msg').textContent = s.message || (s.finishedAt ? 'Last scan ' + new Date(s.finishedAt).toLocaleString() : '');
    }
    $('btn-rescan').disabled = s.running;
  }

  async function showTracks(mood) {
    try {
      const r = await api('/api/library/' + encodeURIComponent(mood));
      $('lib-tracks-h').textContent = mood + ' (' + r.count + (r.count > r.tracks.length ? ', first ' + r.tracks.length : '') + ')';
      $('lib-tracks-list').replaceChildren(...r.tracks.map((t) => el('li', t.title + ' — ' + (t.artist || ''))));
      $('lib-tracks').hidden = false;
    } catch (e) {
      flash(e.message);
    }
  }

  $('btn-rescan').addEventListener('click', async () => {
    await control('rescan');
    $('scan-msg').textContent = 'Scan started…';
    setTimeout(loadLibrary, 500);
  });

  // ---- camera preview (owner, when turned on) ----

  function startPreview() {
    clearInterval(previewTimer);
    $('preview-card').hidden = !info.preview;
    if (!info.preview) return;
    const img = $('preview');
    const refresh = () => { img.src = '/api/preview.jpg?t=' + Date.now(); };
    img.addEventListener('error', () => { img.alt = 'No current camera frame (camera off or privacy on)'; });
    refresh();
    previewTimer = setInterval(refresh, 2000);
  }

  start();
})();
