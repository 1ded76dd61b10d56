/* clickstream tracking snippet (SPEC section 5), readable source.
 *
 * `npm run build` (or `make snippet`) minifies it into ../static/t.min.js, which the collector
 * serves at /t.js. docs/snippet.md says how a shop installs it. ES2017, no dependencies.
 *
 * Pages talk to it through one global function, first a tiny inline stub that queues calls:
 *   clickstream('init', {key: 'demo-key', url: 'https://collector.example'});
 *   clickstream('add_to_cart', {product_id: 'p-1', price: 19.9, quantity: 1});
 * Every call is guarded: nothing here ever throws into the page.
 */
(function (w, d, nav) {
  const NAME = 'clickstream';
  const stub = w[NAME];
  if (stub && stub.loaded) return; // the script is on the page twice

  const SESSION_SECONDS = 1800; // 30 minutes idle end a session
  const ID_SECONDS = 34560000; // 400 days, the longest cookie browsers keep
  // localStorage keys of the unsent events start with this: each page writes only its own key.
  const QUEUE = '_cs_q';
  const MAX_STORED = 100; // unsent events a page keeps; the oldest are dropped
  const MAX_BODY = 60000; // keepalive fetch and sendBeacon bodies must stay under 64 KB
  const BATCH_DELAY = 1000; // ms an event waits for others to join its batch
  const MAX_BACKOFF = 60000;
  // A page that has not written its queue for this long is gone (closed, crashed, frozen): another
  // page sends its events. Live pages write at least once per backoff, even hidden and throttled.
  const ORPHANED = 180000;
  // Fields of the event contract; any other property goes to `properties`.
  const FIELDS = ['product_id', 'category', 'price', 'quantity', 'currency', 'order_id', 'revenue', 'items'];
  const script = d.currentScript;

  const config = {};
  let storage;
  try {
    storage = w.localStorage;
    storage.getItem(QUEUE); // throws where storage is blocked
  } catch (e) {
    storage = null;
  }
  const dnt = nav.doNotTrack == '1' || w.doNotTrack == '1' || nav.globalPrivacyControl;
  let started = false;
  let queue = []; // this page's unsent events, kept in localStorage too (see save)
  let alive = 0; // when this page last made or tried to send events; 0 once it has gone
  let waiting = []; // events made before consent was given (never stored)
  let user = ''; // user id set in this page
  let lastUrl = '';
  let referrer = d.referrer;
  let timer = 0;
  let sending = []; // the batch this page is sending
  let pausedUntil = 0; // backoff after a failed send
  let failures = 0;

  const now = () => Date.now();
  const guard = (f) => (...args) => {
    try {
      return f(...args);
    } catch (e) {
      /* never into the page */
    }
  };
  const uuid = () =>
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)
    );
  const consented = () => config.consent !== false;
  const mine = QUEUE + '.' + uuid(); // this page's queue
  const endpoint = () => config.url + '/v1/batch?key=' + encodeURIComponent(config.key);

  // A value kept in a first-party cookie, mirrored in localStorage for when cookies are lost.
  // Storage can throw (sandboxed frames, blocked site data): then nothing is kept.
  function read(name) {
    try {
      const cookie = d.cookie.match('(^|; )' + name + '=([^;]*)');
      if (cookie) return decodeURIComponent(cookie[2]);
      const [value, expires] = JSON.parse(storage.getItem(name));
      if (expires > now()) return value;
    } catch (e) {
      /* not kept */
    }
  }
  function write(name, value, seconds) {
    try {
      d.cookie =
        name + '=' + encodeURIComponent(value) + ';path=/;samesite=lax;max-age=' + seconds +
        (config.domain ? ';domain=' + config.domain : '') +
        (location.protocol == 'https:' ? ';secure' : '');
      if (seconds > 0) storage.setItem(name, JSON.stringify([value, now() + seconds * 1000]));
      else storage.removeItem(name);
    } catch (e) {
      /* not kept */
    }
  }
  function keep(name, seconds) {
    const id = read(name) || uuid();
    write(name, id, seconds); // every event renews the expiry: the session rolls while active
    return id;
  }

  // This page's unsent events are stored so that the next page (or another tab) sends them. Each
  // page writes only its own key: pages writing one shared key lose each other's events.
  // {t: alive, q: the events}
  function save(events) {
    queue = events.slice(-MAX_STORED);
    try {
      storage.setItem(mine, JSON.stringify({ t: alive, q: queue }));
    } catch (e) {
      /* memory only */
    }
  }
  const queues = () => Object.keys(storage || {}).filter((key) => !key.indexOf(QUEUE));
  // The events of gone pages move into this page's queue. Two pages may take the same orphan at
  // once, or a page come back from the back/forward cache with its own: the warehouse counts an
  // event_id once.
  function adopt() {
    alive = now();
    try {
      for (const key of queues()) {
        const stored = JSON.parse(storage.getItem(key));
        if (key != mine && !(stored.t > alive - ORPHANED)) {
          save(queue.concat(stored.q)); // stored here before removed there
          storage.removeItem(key);
        }
      }
    } catch (e) {
      /* removed meanwhile: the next flush looks again */
    }
    save(queue);
  }
  // The page never re-reads its own queue, so a batch holds the very objects of the queue.
  const without = (events, batch) => events.filter((e) => !batch.includes(e));

  function emit(type, props) {
    if (!started) return;
    const event = {
      event_id: uuid(),
      type: type,
      ts: now(),
      url: location.href.slice(0, 4096),
      path: location.pathname,
      title: d.title,
      referrer: referrer.slice(0, 4096),
      screen_width: screen.width,
      screen_height: screen.height,
      language: nav.language,
      properties: {},
    };
    const userId = user || read('_cs_uid');
    if (userId) event.user_id = userId;
    for (const key in props) {
      if (FIELDS.indexOf(key) < 0) event.properties[key] = props[key];
      else event[key] = props[key];
    }
    if (consented()) enqueue(event);
    else waiting.push(event);
  }

  function enqueue(event) {
    event.anonymous_id = keep('_cs_id', ID_SECONDS);
    event.session_id = keep('_cs_sid', SESSION_SECONDS);
    if (user) write('_cs_uid', user, ID_SECONDS);
    alive = now();
    save(queue.concat(event));
    if (!timer) later(BATCH_DELAY);
  }

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }

  // The first events of the queue, as many as fit in one body.
  function take(queue) {
    const batch = [];
    let size = 0;
    for (const event of queue) {
      size += JSON.stringify(event).length + 30;
      if (batch.length && size > MAX_BODY) break;
      batch.push(event);
    }
    return batch;
  }
  const body = (batch, time) => JSON.stringify(batch.map((e) => Object.assign({ sent_at: time }, e)));

  const flush = guard(() => {
    timer = 0;
    const time = now();
    if (sending.length || !consented()) return;
    if (time < pausedUntil) return later(pausedUntil - time);
    adopt();
    const batch = take(queue);
    if (!batch.length) return;
    const data = body(batch, time);
    // text/plain (fetch's default for a string) is a "simple" request: no CORS preflight.
    fetch(endpoint(), { method: 'POST', body: data, keepalive: data.length < MAX_BODY }).then(
      (response) => sent(batch, response.status, response.headers.get('Retry-After')),
      () => sent(batch, 0)
    );
    sending = batch;
  });

  const sent = guard((batch, status, retryAfter) => {
    if (batch != sending) return; // handed over when the page went away: see leave()
    sending = [];
    if (status && status != 408 && status != 429 && status < 500) {
      // Stored (2xx), or refused for good (4xx: the collector dead-letters bad events): done.
      failures = 0;
      save(without(queue, batch));
      later(0);
    } else {
      // Collector away, overloaded or rate limiting: back off, as long as it asks if it says.
      const wait = retryAfter * 1000 || Math.min(MAX_BACKOFF, 1000 * 2 ** failures++);
      pausedUntil = now() + wait;
      later(wait);
    }
  });

  // The page goes out of sight or away: hand what is left to the browser with sendBeacon, and
  // when it goes away, trust the batch in flight to its keepalive fetch too (the page will not
  // hear the answer; the next page must not send it again). While the collector is failing,
  // keep everything for the next page instead; a page that goes away marks its queue gone.
  const leave = guard((unloading) => {
    if (!started || !consented()) return;
    const time = now();
    let handed = unloading ? sending : [];
    let rest = without(queue, sending);
    let batch;
    while (
      time >= pausedUntil &&
      (batch = take(rest)).length &&
      nav.sendBeacon(endpoint(), body(batch, time))
    ) {
      handed = handed.concat(batch);
      rest = rest.slice(batch.length);
    }
    if (unloading) {
      sending = [];
      alive = 0; // gone: the next page takes what is left
    }
    save(without(queue, handed));
  });

  // Automatic page views: the first one, then each history navigation that changes the URL.
  const autoPage = guard(() => {
    const url = location.href.split('#')[0];
    if (url == lastUrl) return;
    if (lastUrl) referrer = lastUrl;
    lastUrl = url;
    emit('page_view');
  });

  function start() {
    if (started || dnt || !config.key) return;
    config.url = config.url || new URL(script.src).origin; // by default, where t.js came from
    started = true;
    if (config.auto !== false) {
      autoPage();
      for (const method of ['pushState', 'replaceState']) {
        const original = history[method];
        history[method] = function () {
          const result = original.apply(this, arguments);
          setTimeout(autoPage); // after the app had its chance to set the title
          return result;
        };
      }
      w.addEventListener('popstate', () => setTimeout(autoPage));
      // Back or forward to a page the browser kept whole (back/forward cache): seen again.
      w.addEventListener('pageshow', (e) => e.persisted && emit('page_view'));
    }
    w.addEventListener('pagehide', () => leave(true));
    d.addEventListener('visibilitychange', () => d.hidden && leave());
    later(0); // events an earlier page could not send
  }

  function forget(names) {
    user = '';
    for (const name of names) write(name, '', -1);
  }

  const api = {
    init(options) {
      Object.assign(config, options);
      start();
    },
    page(props) {
      emit('page_view', props);
    },
    track(type, props) {
      emit(type, props);
    },
    // Logging out: forget the user and start a new anonymous visitor.
    reset() {
      forget(['_cs_uid', '_cs_id']);
    },
    // consent(true) sends what was held back; consent(false) forgets everything stored.
    consent(yes) {
      config.consent = !!yes;
      if (yes) waiting.forEach(enqueue);
      else {
        forget(['_cs_uid', '_cs_id', '_cs_sid'].concat(queues()));
        queue = [];
      }
      waiting = [];
      later(0);
    },
  };
  // The core events have methods of their own; other types go through track(type, props).
  for (const type of ['favorite', 'add_to_cart', 'order']) {
    api[type] = (props) => emit(type, props);
  }
  // Who the visitor is from now on; register and login also record the event of that name.
  for (const type of ['identify', 'register', 'login']) {
    api[type] = (userId, props) => {
      if (userId) user = String(userId);
      emit(type, props);
    };
  }

  const clickstream = guard((method, ...args) => api[method](...args));
  for (const method in api) clickstream[method] = (...args) => clickstream(method, ...args);
  clickstream.loaded = true;
  w[NAME] = clickstream;

  // Replay what the stub queued, `init` first (sort is stable) so every call finds the settings.
  const queued = [...((stub && stub.q) || [])];
  queued.sort((a, b) => (b[0] == 'init') - (a[0] == 'init'));
  for (const args of queued) clickstream(...args);
})(window, document, navigator);
