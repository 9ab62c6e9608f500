// Refresh movie cards whose Douban info (poster, Chinese title) was still being fetched when the
// page was rendered: poll /api/movies/cards a few times, then stop. Text is set with textContent.
(function () {
  "use strict";
  var DELAYS = [3000, 6000, 12000, 24000];

  function pendingCards() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-pending][data-movie-id]"));
  }

  function applyInfo(card, info) {
    if (info.title_zh) {
      card.querySelectorAll(".title-zh").forEach(function (el) {
        el.textContent = info.title_zh;
        el.hidden = false;
      });
    }
    var placeholder = card.querySelector(".poster-placeholder");
    if (info.poster_url && placeholder) {
      var img = document.createElement("img");
      img.src = info.poster_url;
      img.alt = info.title;
      placeholder.replaceWith(img);
    }
    if (info.title_zh || info.poster_url) card.removeAttribute("data-pending");
  }

  function poll(attempt) {
    var cards = pendingCards();
    if (!cards.length || attempt >= DELAYS.length) return;
    var ids = Array.from(new Set(cards.map(function (c) { return c.dataset.movieId; }))).slice(0, 100);
    window.setTimeout(function () {
      fetch("/api/movies/cards?ids=" + ids.join(","), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (infos) {
          infos.forEach(function (info) {
            document.querySelectorAll('[data-pending][data-movie-id="' + info.movie_id + '"]').forEach(function (card) {
              applyInfo(card, info);
            });
          });
          poll(attempt + 1);
        })
        .catch(function () { /* the page works without the refresh */ });
    }, DELAYS[attempt]);
  }

  document.addEventListener("DOMContentLoaded", function () { poll(0); });
})();
