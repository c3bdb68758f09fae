// While a WordPress scan runs, reload its page every few seconds so the progress moves; without
// JavaScript the page's Refresh link does the same.
(function () {
  'use strict';
  if (!document.querySelector('[data-running]')) return;
  setTimeout(function () { window.location.reload(); }, 2000);
})();
