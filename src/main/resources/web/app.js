'use strict';
// The dashboard: live state over server-sent events, the last-hour plot, the controls.

(() => {
  const { api, session, setCsrf, el, duration, clock } = moodbox;
  const $ = (id) => document.getElementById(id);

  const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
  const COLORS = {
    angry: '#e5484d', disgust: '#7c8f2a', fear: '#8e4ec6', happy: '#e8a800',
    sad: '#3e63dd', surprise: '#f76b15', neutral: '#8b8d98'
  };
  const BUCKET_MS = 5000, SPAN_MS = 3600000, MIN_SPAN_MS = 120000;
  // Tick steps for the plot's time axis, finest first; the first that gives few enough ticks wins.
  const TICK_STEPS_MS = [30000, 60000, 120000, 300000, 600000, 900000];
  // Position events come about once a second; between them the bar runs on by itself, this far at most.
  const MAX_RUN_ON_S = 3;
  const ANSWER_MS = 5000;

  let info = null;          // /api/session
  let owner = false;        // logged in (controls allowed)
  let last = null;          // latest status
  let history = [];         // plot points, oldest first
  let events = null;
  let previewTimer = null, scanTimer = null;
  let volumeDragging = false;
  let progress = null;      // the playing track's position: { key, pos, at, playing, duration }
  let device = null;        // /api/device: LED and buttons
  let ledSteps = '';        // the LED pattern the dot plays now (JSON), so it restarts only on a change

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
    loadDevice();
    if (owner) {
      loadLibrary();
      loadGroups();
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
    renderLed(s.led);
    renderBox(s);
    addPoint(s);
    drawPlot();
    if (owner && trackChanged) loadQueue();
  }

  function renderMood(m, s) {
    if (!m) return;
    const label = m.presence === 'unknown' ? (s.privacy ? 'privacy on' : 'not watching')
      : m.presence === 'nobody' ? 'nobody here' : m.mood;
    const present = m.presence === 'present';
    $('mood-label').textContent = label;
    $('mood-label').dataset.mood = m.mood;
    $('mood-kicker').hidden = !present;
    $('mood-swatch').style.background = present ? COLORS[m.mood] : 'transparent';
    const sub = [];
    // The settled mood's own smoothed score: the same number as its bar below.
    if (present) sub.push('its score now ' + pct(m.confidence));
    if (m.locked) sub.push('held (mood lock on)');
    $('mood-sub').textContent = sub.join(' · ');
    renderLeaning(m, present);
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

  const pct = (v) => Math.round((v || 0) * 100) + '%';

  /** When another expression scores higher than the settled mood: which one, and why the mood stays. */
  function renderLeaning(m, present) {
    const leaning = m.leaning;
    const box = $('mood-leaning-box');
    box.hidden = !present || !leaning || leaning === m.mood;
    if (box.hidden) return;
    const top = m.emotions[leaning] || 0, settled = m.emotions[m.mood] || 0;
    $('mood-leaning').textContent = leaning + ' (' + pct(top) + ')';
    const lead = Math.round((top - settled) * 100);
    let why = lead < 1 ? leaning + ' is just ahead of ' + m.mood + '. '
      : leaning + ' leads ' + m.mood + ' by ' + lead + (lead === 1 ? ' point. ' : ' points. ');
    if (m.locked) {
      why += 'The mood lock holds ' + m.mood + ' until you release it.';
    } else if (typeof m.switchMargin === 'number' && typeof m.holdSeconds === 'number') {
      // The tracker's rule (RoomMoodTracker.settle): the lead must hold for hold_s and on three frames in a row.
      const margin = Math.round(m.switchMargin * 100);
      why += 'The box changes the settled mood only when another one leads it by ' + margin
        + (margin === 1 ? '\u00a0point' : '\u00a0points') + (m.holdSeconds > 0 ? ' for ' + m.holdSeconds + '\u00a0s' : ' on three frames in a row')
        + ', so a passing look doesn\'t change the music.';
    } else {
      why += 'The box changes the settled mood only when another one keeps a clear lead for a moment, so a passing look doesn\'t change the music.';
    }
    $('mood-why').textContent = why.charAt(0).toUpperCase() + why.slice(1);
  }

  function renderPlayer(p, s) {
    $('privacy').checked = s.privacy;
    if (!p) return;
    const t = p.track;
    const track = $('track');
    track.replaceChildren();
    showNowCover(t);
    if (t) {
      track.append(el('strong', t.title), el('span', ' — ' + (t.artist || 'unknown artist')));
    } else {
      track.textContent = p.state === 'no_device' ? 'No speaker found' : 'Nothing playing';
    }
    // No speaker: the reason is about the sound, not about the track, so it goes on the sound line.
    const noDevice = p.state === 'no_device';
    $('reason').textContent = t && p.reason && !noDevice ? 'Why this track: ' + p.reason : '';
    const soundText = noDevice ? (p.reason || 'no speaker found') : (p.output || '');
    const sound = $('sound');
    sound.hidden = !soundText;
    sound.textContent = soundText ? 'Sound: ' + soundText : '';
    sound.classList.toggle('warn', noDevice || p.audible === false);
    const note = $('sound-note');
    note.hidden = noDevice || p.audible !== false;
    note.textContent = note.hidden ? '' : 'Nothing can be heard from the box now: the music plays on silently, still following the room.';
    renderProgress(p);
    $('btn-toggle').textContent = p.state === 'playing' ? 'Pause' : 'Play';
    $('btn-toggle').dataset.state = p.state;
    if (!volumeDragging) {
      $('volume').value = p.volume;
      $('volume-out').textContent = p.volume + '%';
    }
  }

  /** Elapsed / duration of the playing track; runs on between position events while playing. */
  function renderProgress(p) {
    const t = p.track;
    if (!t || !(t.durationSeconds > 0)) {
      progress = null;
      $('progress').hidden = true;
      return;
    }
    // Other state changes re-send the same position: only a new position (or track, or state) re-anchors.
    const key = t.id + '|' + p.state + '|' + p.positionSeconds;
    if (!progress || progress.key !== key) {
      progress = { key, pos: p.positionSeconds || 0, at: performance.now(), playing: p.state === 'playing', duration: t.durationSeconds };
    }
    $('progress').hidden = false;
    tickProgress();
  }

  function tickProgress() {
    if (!progress) return;
    const ran = progress.playing ? Math.min(MAX_RUN_ON_S, (performance.now() - progress.at) / 1000) : 0;
    const pos = Math.min(progress.duration, progress.pos + ran);
    $('elapsed').textContent = clock(pos);
    $('duration').textContent = clock(progress.duration);
    $('progress-fill').style.width = (pos / progress.duration * 100).toFixed(2) + '%';
    const bar = $('progress-bar');
    bar.setAttribute('aria-valuemax', String(Math.round(progress.duration)));
    bar.setAttribute('aria-valuenow', String(Math.floor(pos)));
    bar.setAttribute('aria-valuetext', clock(pos) + ' of ' + clock(progress.duration));
  }

  setInterval(() => { if (!$('dash').hidden) tickProgress(); }, 250);

  function renderBox(s) {
    const c = s.camera;
    $('camera').textContent = c ? c.state.replace('_', ' ') + (c.source ? ' · ' + c.source : '') + (c.detail ? ' · ' + c.detail : '') : '–';
    $('fps').textContent = s.fps.toFixed(1) + ' frames/s';
    $('cpu').textContent = s.cpuCelsius === null ? 'not available' : s.cpuCelsius.toFixed(1) + ' °C';
    $('uptime').textContent = duration(s.uptimeSeconds);
    $('sysuptime').textContent = duration(s.systemUptimeSeconds);
    $('problems').replaceChildren(...s.problems.map((p) => el('li', p)));
    $('attention').hidden = s.problems.length === 0;
  }

  // ---- the box's light and buttons ----

  async function loadDevice() {
    try {
      device = await api('/api/device');
    } catch (e) {
      return;
    }
    renderButtons();
    renderLed(device.led);
  }

  /** The status LED in words, and a dot that plays the same pattern. */
  function renderLed(l) {
    if (!l) return;
    const words = $('led-words'), dot = $('led-dot');
    words.dataset.signal = l.signal;
    if (!l.steps.length) {
      words.textContent = l.meaning.charAt(0).toUpperCase() + l.meaning.slice(1) + '.';
      dot.hidden = true;
      ledSteps = '';
      return;
    }
    words.textContent = l.look + ': ' + l.meaning;
    dot.hidden = false;
    const key = JSON.stringify(l.steps);
    if (key === ledSteps) return;
    ledSteps = key;
    dot.getAnimations().forEach((a) => a.cancel());
    const period = l.steps.reduce((sum, st) => sum + st.ms, 0);
    const brightest = l.steps.map((st) => st.to).reduce((a, b) => (level(b) > level(a) ? b : a), l.steps[0].from);
    dot.style.background = brightest;
    const reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (l.steps.length === 1 && l.steps[0].from === l.steps[0].to) {
      dot.style.background = l.steps[0].from;
    } else if (!reduced && dot.animate) {
      // Each step holds or ramps between two keyframes; a step's end and the next one's start share an offset.
      const frames = [];
      let at = 0;
      l.steps.forEach((st) => {
        frames.push({ offset: at / period, backgroundColor: st.from });
        at += st.ms;
        frames.push({ offset: at / period, backgroundColor: st.to });
      });
      dot.animate(frames, { duration: period, iterations: Infinity });
    }
  }

  const level = (hex) => Math.max(...[1, 3, 5].map((i) => parseInt(hex.substr(i, 2), 16)));

  const GESTURE_WORDS = { short: 'press', double: 'double press', long: 'hold' };
  const GESTURE_BUTTONS = { short: 'Press', double: 'Double', long: 'Hold' };

  function renderButtons() {
    const d = device;
    $('buttons').replaceChildren(...d.buttons.map((b) => {
      const li = el('li', null, 'button-row');
      li.dataset.button = b.name;
      const name = el('div', null, 'button-name');
      name.append(el('strong', b.name), el('span', 'GPIO' + b.pin, 'muted'));
      const list = el('ul', null, 'gestures');
      b.gestures.forEach((g) => {
        const gi = el('li');
        gi.dataset.gesture = g.gesture;
        const how = g.gesture === 'long' ? 'hold ' + g.holdSeconds + ' s' : GESTURE_WORDS[g.gesture];
        const text = el('span', null, 'gesture-text');
        text.append(el('span', how + ': ', 'muted'), el('span', g.words, 'does'));
        gi.append(text);
        if (d.pressable) {
          const btn = el('button', GESTURE_BUTTONS[g.gesture], 'press owner-only');
          btn.type = 'button';
          btn.dataset.button = b.name;
          btn.dataset.gesture = g.gesture;
          btn.setAttribute('aria-label', (g.gesture === 'long' ? 'Hold ' + b.name + ' ' + g.holdSeconds + ' s' : GESTURE_BUTTONS[g.gesture] + ' ' + b.name)
            + ': ' + g.words);
          btn.addEventListener('click', () => pressButton(b.name, g.gesture));
          gi.append(btn);
        }
        list.append(gi);
      });
      li.append(name, list);
      return li;
    }));
    $('press-note').textContent = d.pressable
      ? (owner ? 'No real buttons here (' + d.gpio + ' GPIO): a press on the page drives the button\'s pin, as a finger would.' : '')
      : d.pressNote;
  }

  async function pressButton(name, gesture) {
    try {
      const r = await api('/api/device/buttons/' + encodeURIComponent(name), { method: 'POST', body: { gesture } });
      answer($('press-msg'), r && r.message, true);
    } catch (e) {
      answer($('press-msg'), e.message, false);
      if (e.status === 401 || e.status === 403) start();
    }
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

  /**
   * The time axis: from the oldest point to now (at least two minutes, at most the hour), in whole
   * ticks of a step chosen so the labels fit the width.
   */
  function axis(now, width) {
    const have = Math.min(SPAN_MS, Math.max(MIN_SPAN_MS, history.length ? now - history[0].at : 0));
    const maxTicks = Math.max(3, Math.min(6, Math.floor(width / 70)));
    const step = TICK_STEPS_MS.find((ms) => Math.ceil(have / ms) <= maxTicks) || TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
    const span = Math.min(SPAN_MS, Math.ceil(have / step) * step);
    const ticks = [];
    for (let back = span; back > 0; back -= step) ticks.push(back);
    // Minutes when every tick is a whole minute, else seconds; the unit on the first label only.
    const inMinutes = step % 60000 === 0;
    const labels = ticks.map((ms, i) => '-' + Math.round(ms / (inMinutes ? 60000 : 1000))
      + (i === 0 ? (inMinutes ? ' min' : ' s') : ''));
    ticks.push(0);
    labels.push('now');
    return { span, ticks, labels };
  }

  function spanWords(ms) {
    if (ms >= SPAN_MS) return 'the last hour';
    const min = Math.round(ms / 60000);
    return 'the last ' + min + ' minutes';
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
    const now = Date.now();
    const { span, ticks, labels } = axis(now, cssWidth);
    const from = now - span;
    const x = (t) => left + (t - from) / span * (right - left);
    const y = (v) => top + (1 - (v + 1) / 2) * (bottom - top);
    const heading = spanWords(span);
    $('plot-h').textContent = heading.charAt(0).toUpperCase() + heading.slice(1);
    canvas.setAttribute('aria-label', 'Mood over ' + heading);
    canvas.dataset.spanSeconds = String(Math.round(span / 1000));
    canvas.dataset.firstTick = labels[0];
    canvas.dataset.ticks = labels.join('|');

    g.strokeStyle = ink;
    g.globalAlpha = 0.35;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(left, y(0)); g.lineTo(right, y(0));
    ticks.forEach((back) => { g.moveTo(x(now - back), top); g.lineTo(x(now - back), bottom + band); });
    g.stroke();
    g.globalAlpha = 1;
    g.fillStyle = ink;
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'top';
    labels.forEach((label, i) => {
      g.textAlign = i === 0 ? 'left' : i === labels.length - 1 ? 'right' : 'center';
      g.fillText(label, x(now - ticks[i]), bottom + band + 6);
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

  /**
   * Sends a command; shows its answer beside the controls. The box answers {"ok", "message"}: 200
   * when it was done, 409 when not (e.g. nothing to play). Returns whether it was done.
   */
  async function control(action, body) {
    try {
      const r = await api('/api/controls/' + action, { method: 'POST', body });
      const done = !r || r.ok !== false;
      answer($('control-msg'), r && r.message, done);
      return done;
    } catch (e) {
      answer($('control-msg'), e.message, false);
      if (e.status === 401 || e.status === 403) start();
      return false;
    }
  }

  /** Shows a command's answer for a few seconds in its live region (a refusal as a warning). */
  function answer(where, message, ok) {
    clearTimeout(where.answerTimer);
    where.textContent = message || '';
    where.classList.toggle('warn', !ok);
    if (message) where.answerTimer = setTimeout(() => { where.textContent = ''; where.classList.remove('warn'); }, ANSWER_MS);
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

  // ---- library browsing: search, groups, play now / queue, the owner's mood ----

  const MOODS = ['happy', 'energetic', 'calm', 'sad', 'tense', 'neutral'];
  let searchTimer = null, lastFind = [];

  async function loadGroups() {
    const by = $('lib-by').value;
    try {
      const r = await api('/api/tracks/groups?by=' + encodeURIComponent(by));
      $('lib-groups').replaceChildren(...r.groups.map((g) => {
        const li = el('li');
        const b = el('button', null, 'mood-chip');
        b.type = 'button';
        b.dataset.group = g.name;
        if (by === 'quadrant') {
          const dot = el('span', null, 'dot');
          dot.style.background = COLORS[g.name] || 'var(--muted)';
          b.append(dot);
        }
        b.append(el('span', g.label), el('span', String(g.count), 'count'));
        b.addEventListener('click', () => findTracks(by, g.name, g.label));
        li.append(b);
        return li;
      }));
    } catch (e) {
      $('lib-msg').textContent = e.message;
    }
  }

  async function findTracks(by, value, label) {
    lastFind = [by, value, label];
    const q = $('lib-search').value.trim();
    let path = '/api/tracks?q=' + encodeURIComponent(q);
    if (by) path += '&by=' + encodeURIComponent(by) + '&value=' + encodeURIComponent(value);
    try {
      const r = await api(path);
      const title = (label ? label : q ? '"' + q + '"' : 'All tracks');
      $('lib-tracks-h').textContent = title + ' (' + r.count + (r.count > r.tracks.length ? ', first ' + r.tracks.length : '') + ')';
      $('lib-tracks-list').replaceChildren(...r.tracks.map(trackRow));
      if (!r.tracks.length) $('lib-tracks-list').replaceChildren(el('li', 'No track matches.', 'muted'));
      $('lib-tracks').hidden = false;
    } catch (e) {
      $('lib-msg').textContent = e.message;
    }
  }

  // The playing track's cover: asked for once per track, shown only once it has loaded (a track
  // without one, or a visitor who is not the owner, gets a 404/401 and no picture).
  function showNowCover(t) {
    const img = $('now-cover');
    const id = t ? t.id : '';
    if (img.dataset.id === id) return;
    img.dataset.id = id;
    img.hidden = true;
    if (!id) { img.removeAttribute('src'); return; }
    img.onload = () => { if (img.dataset.id === id) img.hidden = false; };
    img.onerror = () => { img.hidden = true; };
    img.src = '/api/tracks/' + encodeURIComponent(id) + '/cover';
  }

  function trackRow(t) {
    const li = el('li', null, 'lib-track');
    li.dataset.id = t.id;
    const img = el('img', null, 'cover');
    img.alt = '';
    img.hidden = true;
    img.addEventListener('load', () => { img.hidden = false; });
    img.src = '/api/tracks/' + encodeURIComponent(t.id) + '/cover';
    const text = el('span', null, 'lib-text');
    text.append(el('span', t.title, 'title'),
      el('span', [t.artist, t.album, t.folder].filter(Boolean).join(' · '), 'muted'),
      el('span', t.mood + ', ' + t.decidedBy, 'decided'));
    const now = el('button', 'Play now');
    now.type = 'button';
    now.className = 'play-now';
    now.addEventListener('click', () => trackCommand(t, 'queue', { now: true }));
    const later = el('button', 'Queue');
    later.type = 'button';
    later.className = 'queue';
    later.addEventListener('click', () => trackCommand(t, 'queue', { now: false }));
    const pick = el('select', null, 'correct');
    pick.setAttribute('aria-label', 'Mood of ' + t.title);
    const auto = el('option', 'mood: from tags and sound');
    auto.value = 'auto';
    pick.append(auto, ...MOODS.map((m) => { const o = el('option', 'mood: ' + m); o.value = m; return o; }));
    pick.value = t.moodSource === 'you' ? t.mood : 'auto';
    let was = pick.value;
    pick.addEventListener('change', async () => {
      if (await trackCommand(t, 'mood', { mood: pick.value })) { was = pick.value; loadLibrary(); loadGroups(); refreshTracks(); }
      else pick.value = was;   // refused: the list shows the mood the track still has
    });
    li.append(img, text, now, later, pick);
    return li;
  }

  function refreshTracks() { if (!$('lib-tracks').hidden) findTracks(...lastFind); }

  async function trackCommand(t, what, body) {
    try {
      const r = await api('/api/tracks/' + encodeURIComponent(t.id) + '/' + what, { method: 'POST', body });
      answer($('lib-msg'), r && r.message, true);
      if (what === 'queue') loadQueue();
      return true;
    } catch (e) {
      answer($('lib-msg'), e.message, false);
      return false;
    }
  }

  $('lib-by').addEventListener('change', loadGroups);
  $('lib-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => findTracks(), 250);
  });

  async function showTracks(mood) {
    try {
      const r = await api('/api/library/' + encodeURIComponent(mood));
      $('lib-tracks-h').textContent = mood + ' (' + r.count + (r.count > r.tracks.length ? ', first ' + r.tracks.length : '') + ')';
      $('lib-tracks-list').replaceChildren(...r.tracks.map((t) => el('li', t.title + ' — ' + (t.artist || ''))));
      $('lib-tracks').hidden = false;
    } catch (e) {
      $('scan-msg').textContent = e.message;
    }
  }

  $('btn-rescan').addEventListener('click', async () => {
    if (!await control('rescan')) return;
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
