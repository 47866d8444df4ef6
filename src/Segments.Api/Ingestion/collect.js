/*
 * Segments website snippet. Embed: <script async src="https://HOST/api/collect.js?k=PIXEL_KEY"></script>
 * Records page_view on load; window.segments.track(name, properties), .convert(name, value, currency, properties),
 * .identify(token). Calls made before it loads may be queued as window.segments = [["track", "name", {...}], ...].
 * Identity: a contact token arriving as seg_t in the URL is kept in the first-party cookie seg_t until it expires;
 * otherwise the visitor is anonymous under the random id in the cookie seg_v. The batches that follow a new token
 * carry both, so the server joins the anonymous history to the contact. Batches go by navigator.sendBeacon as
 * text/plain (no CORS preflight), else by fetch with keepalive. Every entry point is wrapped: it never throws
 * into the page.
 */
(function (w, d) {
  'use strict';
  var TOKEN = 'seg_t', VISITOR = 'seg_v', MAX_BATCH = 50, MAX_TEXT = 1000, VISITOR_DAYS = 395;

  function safe(fn) {
    return function () {
      try { return fn.apply(null, arguments); } catch (e) { return undefined; }
    };
  }

  function uuid() {
    var c = w.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16), i, h = '';
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
    return h;
  }

  function readCookie(name) {
    var parts = d.cookie ? d.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(name + '=') === 0) return decodeURIComponent(parts[i].slice(name.length + 1));
    }
    return null;
  }

  function writeCookie(name, value, seconds) {
    d.cookie = name + '=' + encodeURIComponent(value) + '; Max-Age=' + Math.max(0, Math.floor(seconds)) +
      '; Path=/; SameSite=Lax' + (w.location.protocol === 'https:' ? '; Secure' : '');
  }

  // Seconds until a token expires, from its payload (v1|tenant|contact|issued|expires); 0 for anything else.
  // Only the server can check the signature; this only keeps an expired or garbled token out of the cookie.
  function secondsLeft(token) {
    try {
      var payload = token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
      var parts = w.atob(payload + '===='.slice(payload.length % 4 || 4)).split('|');
      return parts.length === 5 && parts[0] === 'v1' ? Number(parts[4]) - Date.now() / 1000 : 0;
    } catch (e) {
      return 0;
    }
  }

  // Text is cut to the server's limit at every depth: properties may nest objects and arrays (a cart's items).
  function text(value) {
    if (typeof value === 'string') return value.slice(0, MAX_TEXT);
    if (Array.isArray(value)) return value.map(text);
    if (value && typeof value === 'object') {
      var copy = {};
      for (var key in value) {
        if (Object.prototype.hasOwnProperty.call(value, key)) copy[key] = text(value[key]);
      }
      return copy;
    }
    return value;
  }

  try {
    var script = d.currentScript;
    if (!script || !script.src || (w.segments && w.segments.loaded)) return;
    var src = new URL(script.src);
    var endpoint = src.origin + src.pathname.replace(/\.js$/, '') + '?k=' + encodeURIComponent(src.searchParams.get('k') || '');

    var visitor = readCookie(VISITOR) || uuid();
    writeCookie(VISITOR, visitor, VISITOR_DAYS * 86400);
    var token = readCookie(TOKEN);
    var joining = false;
    var queue = [];
    var timer = null;

    function identify(newToken) {
      var left = typeof newToken === 'string' ? secondsLeft(newToken) : 0;
      if (left <= 0) return;
      token = newToken;
      joining = true;
      writeCookie(TOKEN, token, left);
    }

    function flush() {
      timer = null;
      while (queue.length) {
        var body = { visitor: visitor, events: queue.splice(0, MAX_BATCH) };
        if (token && secondsLeft(token) > 0) {
          body.token = token;
          if (!joining) delete body.visitor;
        }
        send(JSON.stringify(body));
      }
    }

    function send(body) {
      var queued = false;
      try { queued = !!(w.navigator.sendBeacon && w.navigator.sendBeacon(endpoint, body)); } catch (e) { queued = false; }
      if (!queued && w.fetch) {
        w.fetch(endpoint, {
          method: 'POST', body: body, keepalive: true, mode: 'no-cors', credentials: 'omit',
          headers: { 'Content-Type': 'text/plain' }
        }).catch(function () {});
      }
    }

    function record(kind, name, properties, value, currency) {
      if (typeof name !== 'string' || !name) return;
      var props = {};
      for (var key in properties || {}) {
        if (Object.prototype.hasOwnProperty.call(properties, key)) props[key] = text(properties[key]);
      }
      var e = { id: uuid(), kind: kind, name: name, at: new Date().toISOString(), properties: props };
      if (kind === 'conversion') {
        if (typeof value === 'number' && isFinite(value)) e.value = value;
        if (typeof currency === 'string' && currency) e.currency = currency;
      }
      queue.push(e);
      if (!timer) timer = w.setTimeout(safe(flush), 0);
    }

    function pageView() {
      var url = new URL(w.location.href);
      url.searchParams.delete(TOKEN);
      record('pixel', 'page_view', { url: url.href, path: url.pathname, title: d.title, referrer: d.referrer });
    }

    // A token in the landing URL is taken, then removed from the address bar, so that a shared link does not
    // identify whoever opens it.
    var landing = new URL(w.location.href);
    if (landing.searchParams.has(TOKEN)) {
      identify(landing.searchParams.get(TOKEN));
      landing.searchParams.delete(TOKEN);
      if (w.history && w.history.replaceState) w.history.replaceState(w.history.state, '', landing.href);
    }

    var pending = Array.isArray(w.segments) ? w.segments : [];
    var api = {
      loaded: true,
      track: safe(function (name, properties) { record('pixel', name, properties); }),
      convert: safe(function (name, value, currency, properties) { record('conversion', name, properties, value, currency); }),
      identify: safe(identify),
      page: safe(pageView)
    };
    w.segments = api;
    pageView();
    for (var i = 0; i < pending.length; i++) {
      if (pending[i] && api[pending[i][0]]) api[pending[i][0]].apply(null, pending[i].slice(1));
    }
    w.addEventListener('pagehide', safe(flush));
    d.addEventListener('visibilitychange', safe(function () { if (d.visibilityState === 'hidden') flush(); }));
  } catch (e) {
    // Nothing reaches the page: a snippet that fails records nothing, and that is all.
  }
})(window, document);
