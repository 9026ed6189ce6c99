'use strict';
// Shared by the dashboard and the settings page: the API client and the session.
// No inline script anywhere (the CSP forbids it); everything the page does is in these files.

const moodbox = (() => {
  let csrf = null;

  // status 0: the box could not be reached; data: the answer's body, when it was JSON.
  class ApiError extends Error {
    constructor(message, status, field, data) {
      super(message);
      this.status = status;
      this.field = field;
      this.data = data;
    }
  }

  async function api(path, options = {}) {
    const init = { method: options.method || 'GET', headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    if (init.method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError('cannot reach the box', 0, null);
    }
    let data = null;
    try { data = await response.json(); } catch (e) { /* not JSON: status says enough */ }
    if (!response.ok) {
      // Refusals carry "error"; a command that was not done (409) answers {"ok": false, "message"}.
      const message = (data && (data.error || data.message)) || ('HTTP ' + response.status);
      throw new ApiError(message, response.status, data && data.field, data);
    }
    return data;
  }

  async function session() {
    const s = await api('/api/session');
    csrf = s.csrf;
    return s;
  }

  function setCsrf(token) { csrf = token; }

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    seconds = Math.floor(seconds);
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
    if (d > 0) return d + ' d ' + h + ' h';
    if (h > 0) return h + ' h ' + m + ' min';
    if (m > 0) return m + ' min';
    return seconds + ' s';
  }

  /** A track position as m:ss (h:mm:ss from an hour on). */
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    const ss = String(s).padStart(2, '0');
    return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + ss : m + ':' + ss;
  }

  return { api, session, setCsrf, el, duration, clock, ApiError };
})();
