// Watchpost's pages work without this script; it adds the live board and
// the print button. No inline script is allowed by the pages' policy, so
// everything is bound here.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('[data-print]')) {
      window.print();
    }
  });

  // The live board: the server sends a "board" event with the board's
  // version whenever it changes; the page then fetches the board's groups
  // and puts them in place of its own.
  var live = document.getElementById('board-live');
  if (!live) {
    return;
  }
  var state = document.getElementById('live-state');
  var say = function (text) {
    if (state) {
      state.textContent = text;
    }
  };
  var current = function () {
    var groups = document.getElementById('board-groups');
    return groups ? groups.getAttribute('data-version') : '';
  };
  // A change announced while the groups are being fetched is fetched
  // again once that answer is in: the answer may predate the change.
  var fetching = false;
  var again = false;
  var refresh = function () {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    again = false;
    fetch(live.getAttribute('data-fragment'), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status === 401) {
          window.location.reload();
          throw new Error('session ended');
        }
        if (!res.ok) {
          throw new Error('status ' + res.status);
        }
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('board-groups');
        var old = document.getElementById('board-groups');
        if (fresh && old) {
          old.replaceWith(document.importNode(fresh, true));
          var total = document.getElementById('board-total');
          if (total) {
            total.textContent = fresh.getAttribute('data-total') || '0';
          }
          live.setAttribute('data-updated', fresh.getAttribute('data-version') || '');
        }
      })
      .catch(function () {})
      .then(function () {
        fetching = false;
        if (again) {
          refresh();
        }
      });
  };
  if (!window.EventSource) {
    window.setInterval(refresh, 15000);
    return;
  }
  var stream = live.getAttribute('data-live');
  var source = new EventSource(stream + (stream.indexOf('?') < 0 ? '?' : '&') + 'version=' + encodeURIComponent(current()));
  source.addEventListener('open', function () {
    say('实时更新中');
  });
  source.addEventListener('error', function () {
    say('连接中断，正在重连…');
  });
  source.addEventListener('board', function (e) {
    if (e.data !== current()) {
      refresh();
    }
  });
  source.addEventListener('ended', function () {
    source.close();
    window.location.reload();
  });
})();
