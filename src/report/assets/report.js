/*
 * newsclean report client. A classic script (pages opened from file:// may
 * not fetch() or load modules), loaded with the page's CSP nonce; data chunks
 * are further classic scripts it adds, trusted through 'strict-dynamic'.
 *
 * Content from documents is never parsed as HTML here: rows are built with
 * createElement/textContent, decisions come from data-* attributes.
 */
(function () {
  'use strict';

  var body = document.body;
  var pageKind = body.dataset.page || '';
  var root = body.dataset.root || '';
  var reviewKey = body.dataset.review || 'newsclean-review';

  /* ---------- data chunks ---------- */
  var received = Object.create(null);
  var waiting = Object.create(null);
  window.newscleanReport = {
    receive: function (name, payload) {
      received[name] = payload;
      var cbs = waiting[name] || [];
      delete waiting[name];
      cbs.forEach(function (cb) { cb.resolve(payload); });
    },
  };
  function loadData(name) {
    return new Promise(function (resolve, reject) {
      if (name in received) return resolve(received[name]);
      var first = !waiting[name];
      (waiting[name] = waiting[name] || []).push({ resolve: resolve, reject: reject });
      if (!first) return;
      var s = document.createElement('script');
      s.src = root + 'data/' + name + '.js';
      s.onerror = function () {
        var cbs = waiting[name] || [];
        delete waiting[name];
        cbs.forEach(function (cb) { cb.reject(new Error('cannot load data/' + name + '.js')); });
      };
      document.head.appendChild(s);
    });
  }

  /* ---------- review decisions (localStorage, exported as JSON) ---------- */
  var memoryStore = null;
  function readStore() {
    if (memoryStore) return memoryStore;
    try {
      var v = JSON.parse(window.localStorage.getItem(reviewKey) || '{}');
      return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
    } catch (e) {
      memoryStore = {};
      return memoryStore;
    }
  }
  function writeStore(store) {
    try {
      window.localStorage.setItem(reviewKey, JSON.stringify(store));
    } catch (e) {
      // Storage unavailable (private mode, file:// policy): keep decisions for this page and say so.
      memoryStore = store;
      var warn = document.getElementById('review-count');
      if (warn) warn.textContent += ' (not saved: browser storage unavailable; export before leaving)';
    }
  }
  function decisionKey(d) {
    return JSON.stringify([d.type, d.doc, d.kind || d.reason || d.cluster || '', d.text]);
  }
  function decisionOf(button) {
    try { return JSON.parse(button.dataset.decision || 'null'); } catch (e) { return null; }
  }

  var reviewCount = document.getElementById('review-count');
  /** Index page: list the decisions kept in this browser, so the reviewer sees what an export contains. */
  function renderPending(store) {
    var section = document.getElementById('pending-review');
    var rows = document.getElementById('pending-rows');
    if (!section || !rows) return;
    var keys = Object.keys(store).sort();
    section.hidden = keys.length === 0;
    document.getElementById('pending-count').textContent = String(keys.length);
    rows.textContent = '';
    keys.forEach(function (key) {
      var d = store[key];
      var tr = document.createElement('tr');
      var docCell = document.createElement('td');
      if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,150}$/.test(d.doc) && !/^(index|list-\d+)$/.test(d.doc)) {
        var a = document.createElement('a');
        a.href = 'docs/' + encodeURIComponent(d.doc) + '.html';
        a.textContent = d.doc;
        docCell.appendChild(a);
      } else docCell.textContent = d.doc;
      var text = String(d.text || '');
      [d.type, null, d.kind || d.reason || d.cluster || '', text.length > 200 ? text.slice(0, 199) + '…' : text, d.note || ''].forEach(function (v) {
        if (v === null) return tr.appendChild(docCell);
        var td = document.createElement('td');
        td.textContent = String(v);
        tr.appendChild(td);
      });
      var undo = document.createElement('button');
      undo.type = 'button';
      undo.textContent = 'Undo';
      undo.addEventListener('click', function () {
        var s = readStore();
        delete s[key];
        writeStore(s);
        refreshReviewUi();
      });
      var td = document.createElement('td');
      td.appendChild(undo);
      tr.appendChild(td);
      rows.appendChild(tr);
    });
  }
  function refreshReviewUi() {
    var store = readStore();
    var n = Object.keys(store).length;
    if (reviewCount) reviewCount.textContent = n + (n === 1 ? ' review decision' : ' review decisions');
    renderPending(store);
    var buttons = document.querySelectorAll('button.review-toggle');
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var d = decisionOf(b);
      var saved = d ? store[decisionKey(d)] : null;
      var on = Boolean(saved && saved.verdict === 'reject');
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.textContent = on ? 'Marked wrong (undo)' : b.dataset.label || b.textContent;
      var note = b.parentNode.querySelector('input.review-note');
      if (note) {
        note.hidden = !on;
        if (on && document.activeElement !== note) note.value = saved.note || '';
      }
      var scope = b.parentNode.querySelector('label.review-scope');
      if (scope) {
        scope.hidden = !on;
        scope.querySelector('input').checked = Boolean(on && saved.doc === '*');
      }
      var item = b.closest('.flag-detail, .block, li.member');
      if (item) item.classList.toggle('rejected', on);
    }
  }
  function toggleDecision(button) {
    var d = decisionOf(button);
    if (!d) return;
    var store = readStore();
    var key = decisionKey(d);
    if (store[key]) delete store[key];
    else {
      d.verdict = 'reject';
      d.note = '';
      d.decidedAt = new Date().toISOString();
      store[key] = d;
    }
    writeStore(store);
    refreshReviewUi();
  }
  function exportDecisions() {
    var store = readStore();
    var decisions = Object.keys(store).sort().map(function (k) { return store[k]; });
    var file = {
      format: 'newsclean-review-decisions',
      version: 1,
      exportedAt: new Date().toISOString(),
      run: { output: reviewKey.replace(/^newsclean-review:/, ''), configHash: body.dataset.configHash || null },
      decisions: decisions,
    };
    var blob = new Blob([JSON.stringify(file, null, 2) + '\n'], { type: 'application/json' });
    var url = URL.createObjectURL(blob);
    var a = document.createElement('a');
    a.href = url;
    a.download = 'review-decisions.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  document.querySelectorAll('button.review-toggle').forEach(function (b) {
    b.dataset.label = b.textContent;
    b.addEventListener('click', function () { toggleDecision(b); });
    // Edits to a stored decision (note, scope) keep the key of the finding it was made on.
    function update(change) {
      var d = decisionOf(b);
      var store = readStore();
      var key = d && decisionKey(d);
      if (key && store[key]) {
        change(store[key], d);
        writeStore(store);
        renderPending(store);
      }
    }
    var note = b.parentNode.querySelector('input.review-note');
    if (note) note.addEventListener('input', function () { update(function (saved) { saved.note = note.value; }); });
    var everywhere = b.parentNode.querySelector('input.review-everywhere');
    if (everywhere) {
      everywhere.addEventListener('change', function () {
        update(function (saved, original) { saved.doc = everywhere.checked ? '*' : original.doc; });
      });
    }
  });
  var bar = document.getElementById('review-bar');
  if (bar) bar.hidden = false;
  var exportButton = document.getElementById('review-export');
  if (exportButton) exportButton.addEventListener('click', exportDecisions);
  var clearButton = document.getElementById('review-clear');
  if (clearButton) {
    // Two clicks instead of confirm(): no modal dialogs in the report.
    clearButton.addEventListener('click', function () {
      if (clearButton.dataset.armed !== 'yes') {
        clearButton.dataset.armed = 'yes';
        clearButton.textContent = 'Click again to clear all decisions';
        setTimeout(function () { clearButton.dataset.armed = ''; clearButton.textContent = 'Clear'; }, 4000);
        return;
      }
      writeStore({});
      clearButton.dataset.armed = '';
      clearButton.textContent = 'Clear';
      refreshReviewUi();
    });
  }
  window.addEventListener('storage', function (e) { if (e.key === reviewKey) refreshReviewUi(); });
  refreshReviewUi();

  /* ---------- keyboard navigation ---------- */
  var items = [];
  var current = -1;
  function navItems() {
    if (pageKind === 'doc') return Array.prototype.slice.call(document.querySelectorAll('mark[data-flag]'));
    if (pageKind === 'cluster') return Array.prototype.slice.call(document.querySelectorAll('li.member'));
    if (pageKind === 'index') return Array.prototype.slice.call(document.querySelectorAll('#doc-rows tr'));
    return [];
  }
  function related(el) {
    if (pageKind === 'doc' && el.dataset.flag) return document.getElementById('flag-detail-' + el.dataset.flag);
    return null;
  }
  function select(i) {
    items = navItems();
    if (!items.length) return;
    var old = items[current];
    if (old) {
      old.classList.remove('current');
      var r0 = related(old);
      if (r0) r0.classList.remove('current');
    }
    current = Math.max(0, Math.min(items.length - 1, i));
    var el = items[current];
    el.classList.add('current');
    var r = related(el);
    if (r) r.classList.add('current');
    if (el.tabIndex < 0 || pageKind !== 'index') el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'center' });
    body.dataset.current = String(current);
  }
  function follow(id) {
    var a = document.getElementById(id);
    if (a && a.href) window.location.href = a.href;
    return Boolean(a);
  }
  function currentReviewButton() {
    var el = items[current];
    if (!el) return null;
    var holder = related(el) || el;
    return holder.querySelector('button.review-toggle');
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    var k = e.key;
    // Enter on a focused link or button keeps its own meaning.
    if (k === 'Enter' && t && (t.tagName === 'A' || t.tagName === 'BUTTON')) return;
    if (k === 'j') select(current + 1);
    else if (k === 'k') select(current < 0 ? 0 : current - 1);
    else if (k === 'n') {
      if (pageKind === 'index') table && table.move(1);
      else follow('nav-next');
    } else if (k === 'p') {
      if (pageKind === 'index') table && table.move(-1);
      else follow('nav-prev');
    } else if (k === 'u') follow('nav-index');
    else if (k === 'x') {
      var b = currentReviewButton();
      if (b) b.click();
    } else if ((k === 'Enter' || k === 'o') && pageKind === 'index' && items[current]) {
      var link = items[current].querySelector('a');
      if (link) window.location.href = link.href;
    } else return;
    e.preventDefault();
  });

  /* ---------- previous / next document (document pages) ----------
   * Not written into the page: a page naming its neighbours would have to be
   * rewritten whenever a document arrives next to it. The order is that of
   * data/columns.js (document ids in input order). Ids the writers produce are
   * file-name safe; any other id has a hashed page name and gets no link here. */
  if (pageKind === 'doc') setupDocNav();
  function setupDocNav() {
    var nav = document.getElementById('doc-nav');
    var id = body.dataset.doc;
    if (!nav || !id) return;
    function link(other, rel, label) {
      if (typeof other !== 'string' || !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,150}$/.test(other) || /^(index|list-\d+)$/.test(other)) return;
      var a = document.createElement('a');
      a.setAttribute('href', encodeURIComponent(other) + '.html');
      a.rel = rel;
      a.id = 'nav-' + rel;
      a.textContent = label;
      nav.appendChild(document.createTextNode(' '));
      nav.appendChild(a);
    }
    loadData('columns').then(function (cols) {
      var i = cols.id.indexOf(id);
      if (i < 0) return;
      link(cols.id[i - 1], 'prev', '← previous document');
      link(cols.id[i + 1], 'next', 'next document →');
      nav.dataset.ready = 'yes';
    }, function () {
      nav.dataset.ready = 'no';
    });
  }

  /* ---------- document table (index) ---------- */
  var table = null;
  if (pageKind === 'index') table = setupTable();

  function setupTable() {
    var tableEl = document.getElementById('doc-table');
    var tbody = document.getElementById('doc-rows');
    if (!tableEl || !tbody) return null;
    var total = Number(tableEl.dataset.total || 0);
    var pageSize = Number(tableEl.dataset.pageSize || 100);
    var chunkSize = 500;
    var status = document.getElementById('table-status');
    var info = document.getElementById('page-info');
    var controls = { id: 'f-id', lang: 'f-lang', flags: 'f-flags', removed: 'f-removed', cluster: 'f-cluster' };
    var state = { page: 0, sort: '', dir: 1, id: '', lang: '', flags: '', removed: '0', cluster: '' };
    var shownCount = total;
    var renderSeq = 0;

    function readHash() {
      var params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
      Object.keys(state).forEach(function (k) {
        if (!params.has(k)) return;
        state[k] = k === 'page' || k === 'dir' ? Number(params.get(k)) || (k === 'dir' ? 1 : 0) : params.get(k);
      });
      Object.keys(controls).forEach(function (k) {
        var el = document.getElementById(controls[k]);
        if (el) el.value = state[k];
      });
    }
    function writeHash() {
      var params = new URLSearchParams();
      Object.keys(state).forEach(function (k) {
        var v = state[k];
        if (v !== '' && v !== 0 && !(k === 'dir' && v === 1) && !(k === 'removed' && v === '0')) params.set(k, String(v));
      });
      var h = params.toString();
      history.replaceState(null, '', h ? '#' + h : window.location.pathname + window.location.search);
    }
    function filtered() {
      return state.sort || state.id || state.lang || state.flags || state.cluster || state.removed !== '0';
    }
    function matcher(cols) {
      var langIdx = state.lang ? cols.langs.indexOf(state.lang) : -1;
      var kindIdx = state.flags.indexOf('kind:') === 0 ? String(cols.kinds.indexOf(state.flags.slice(5))) : null;
      var minRemoved = Number(state.removed) || 0;
      var idPart = state.id.toLowerCase();
      return function (i) {
        if (state.lang && cols.lang[i] !== langIdx) return false;
        if (state.flags === 'with' && !cols.flags[i]) return false;
        if (state.flags === 'without' && cols.flags[i]) return false;
        if (kindIdx !== null && cols.kindSets[i].split('.').indexOf(kindIdx) < 0) return false;
        if (cols.removedPermille[i] < minRemoved) return false;
        if (state.cluster === 'in' && !cols.clusterParas[i]) return false;
        if (state.cluster === 'none' && cols.clusterParas[i]) return false;
        if (idPart && cols.id[i].toLowerCase().indexOf(idPart) < 0) return false;
        return true;
      };
    }
    function ordered(cols) {
      var keep = matcher(cols);
      var idx = [];
      for (var i = 0; i < cols.id.length; i++) if (keep(i)) idx.push(i);
      if (state.sort) {
        var key = state.sort;
        var col = key === 'lang' ? cols.lang.map(function (l) { return cols.langs[l] || ''; }) : cols[key];
        var dir = state.dir;
        idx.sort(function (a, b) {
          var x = col[a], y = col[b];
          var c = x < y ? -1 : x > y ? 1 : 0;
          return c * dir || a - b;
        });
      }
      return idx;
    }
    function rowCells(row) {
      var tr = document.createElement('tr');
      tr.dataset.id = row[0];
      var a = document.createElement('a');
      a.href = row[1];
      a.textContent = row[0];
      var td0 = document.createElement('td');
      td0.appendChild(a);
      tr.appendChild(td0);
      var cells = [
        [row[2], 'title'], [row[4], ''], [row[5], 'num'], [row[6], 'num'],
        [(row[7] / 10).toFixed(1) + '%', 'num'], [row[8], 'num'], [row[9], 'kinds'], [row[10], 'num'],
      ];
      cells.forEach(function (c) {
        var td = document.createElement('td');
        td.textContent = String(c[0]);
        if (c[1]) td.className = c[1];
        tr.appendChild(td);
      });
      return tr;
    }
    function rowsFor(indices) {
      var chunks = {};
      indices.forEach(function (i) { chunks[Math.floor(i / chunkSize)] = true; });
      return Promise.all(Object.keys(chunks).map(function (c) { return loadData('rows-' + c); })).then(function () {
        return indices.map(function (i) { return received['rows-' + Math.floor(i / chunkSize)][i % chunkSize]; });
      });
    }
    function render() {
      var seq = ++renderSeq;
      if (status) status.textContent = 'loading…';
      var pick = filtered()
        ? loadData('columns').then(function (cols) { return ordered(cols); })
        : Promise.resolve(null);
      return pick.then(function (idx) {
        shownCount = idx ? idx.length : total;
        var pages = Math.max(1, Math.ceil(shownCount / pageSize));
        state.page = Math.max(0, Math.min(state.page, pages - 1));
        var start = state.page * pageSize;
        var end = Math.min(shownCount, start + pageSize);
        var indices = [];
        for (var i = start; i < end; i++) indices.push(idx ? idx[i] : i);
        return rowsFor(indices).then(function (rows) {
          if (seq !== renderSeq) return;
          tbody.textContent = '';
          rows.forEach(function (r) { if (r) tbody.appendChild(rowCells(r)); });
          if (info) info.textContent = 'page ' + (state.page + 1) + ' of ' + pages;
          if (status) status.textContent = shownCount === total ? total + ' documents' : shownCount + ' of ' + total + ' documents match';
          document.querySelectorAll('th button[data-sort]').forEach(function (b) {
            if (b.dataset.sort === state.sort) b.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
            else b.removeAttribute('aria-sort');
          });
          current = -1;
          writeHash();
        });
      }).catch(function (err) {
        if (status) status.textContent = 'could not load table data: ' + err.message;
      });
    }
    Object.keys(controls).forEach(function (k) {
      var el = document.getElementById(controls[k]);
      if (!el) return;
      el.addEventListener(el.tagName === 'INPUT' ? 'input' : 'change', function () {
        state[k] = el.value;
        state.page = 0;
        render();
      });
    });
    document.querySelectorAll('th button[data-sort]').forEach(function (b) {
      b.addEventListener('click', function () {
        var key = b.dataset.sort;
        if (state.sort === key) state.dir = -state.dir;
        else {
          state.sort = key;
          state.dir = key === 'id' || key === 'lang' ? 1 : -1;
        }
        state.page = 0;
        render();
      });
    });
    function move(delta) {
      var pages = Math.max(1, Math.ceil(shownCount / pageSize));
      var next = Math.max(0, Math.min(pages - 1, state.page + delta));
      if (next === state.page) return;
      state.page = next;
      render();
    }
    var prev = document.getElementById('page-prev');
    var nextButton = document.getElementById('page-next');
    if (prev) prev.addEventListener('click', function () { move(-1); });
    if (nextButton) nextButton.addEventListener('click', function () { move(1); });
    readHash();
    if (filtered() || state.page) render();
    else if (status) status.textContent = total + ' documents';
    tableEl.dataset.ready = 'yes';
    return { move: move, render: render };
  }
})();
