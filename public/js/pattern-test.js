// A pattern's test page while its image is being described: fetches the page again every second and
// a half and shows the result in place once it is in, so nobody needs to reload. Gives up after five
// minutes; the Reload link stays.
(function () {
  var box = document.querySelector('[data-pattern-test][data-pending]');
  if (!box) return;
  var deadline = Date.now() + 5 * 60 * 1000;

  function check() {
    fetch(window.location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(new Error(String(res.status))); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-pattern-test]');
        if (!fresh) return;
        box.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute('data-pending') && Date.now() < deadline) setTimeout(check, 1500);
        else box.removeAttribute('data-pending');
      })
      .catch(function () { if (Date.now() < deadline) setTimeout(check, 5000); });
  }
  setTimeout(check, 1500);
})();
