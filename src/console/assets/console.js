// The console's only script: progressive enhancement. Every page works without it
// (forms post to the server); with it, confirmations use an accessible <dialog>,
// moves show progress, secrets get a copy button and the flags page follows changes live.
(function () {
  'use strict';
  var dialog = document.getElementById('confirm-dialog');

  function confirmThen(form, message) {
    if (!dialog || typeof dialog.showModal !== 'function') return form.submit();
    document.getElementById('confirm-message').textContent = message;
    var opener = document.activeElement;
    dialog.returnValue = '';
    dialog.addEventListener(
      'close',
      function () {
        if (dialog.returnValue === 'confirm') {
          form.dataset.confirmed = 'yes';
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
        } else if (opener && opener.focus) opener.focus();
      },
      { once: true },
    );
    dialog.showModal();
    document.getElementById('confirm-ok').focus();
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && form.dataset.confirmed !== 'yes') {
      event.preventDefault();
      confirmThen(form, form.dataset.confirm);
      return;
    }
    form.dataset.confirmed = '';
    var progress = form.dataset.progress;
    if (progress) {
      var status = document.getElementById('live');
      var bar = document.createElement('p');
      bar.className = 'progress';
      bar.innerHTML = '<progress aria-label="Moving"></progress> ';
      bar.appendChild(document.createTextNode(progress));
      form.parentNode.insertBefore(bar, form.nextSibling);
      if (status) status.textContent = progress;
    }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-copy]');
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.textContent = 'Copied';
    });
  });
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
  });

  // Live updates: a stream ticket from the console's server (never a token), then
  // the change stream; on a change, the rows are read again from the page.
  var live = document.querySelector('[data-live-rows]');
  if (live && window.EventSource) {
    var announce = document.getElementById('live');
    var refresh = function () {
      fetch(location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(new Error(String(response.status)));
        })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById(live.id);
          if (!fresh) return;
          var focused = document.activeElement && document.activeElement.id;
          live.innerHTML = fresh.innerHTML;
          if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
          if (announce) announce.textContent = 'Flags updated by a change elsewhere.';
          document.dispatchEvent(new CustomEvent('console:flags-updated'));
        })
        .catch(function () {});
    };
    var opened = false;
    var open = function () {
      fetch(live.dataset.liveRows, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(new Error(String(response.status)));
        })
        .then(function (ticket) {
          // A new ticket's stream starts now (the old one ended with its ticket): read once what changed in between.
          if (opened) refresh();
          opened = true;
          var source = new EventSource(ticket.url);
          source.onmessage = refresh;
          source.onerror = function () {
            if (source.readyState === EventSource.CLOSED) setTimeout(open, 5000);
          };
          live.dataset.streaming = 'yes';
        })
        .catch(function () {
          setTimeout(open, 10000);
        });
    };
    open();
  }
})();
