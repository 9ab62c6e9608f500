// A signed-in member's controls, saved without leaving the page: the stars save on each click or arrow key,
// "Clear" removes the rating, "Want to see" and "Not interested" toggle. Each form posts itself (its CSRF
// token included) and asks for JSON; without this script the same forms post and come back to the page.
(function () {
  "use strict";

  function failedText() {
    var main = document.getElementById("content");
    return (main && main.dataset.failed) || "Not saved";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function say(status, text) {
    if (!status) return;
    status.textContent = "";
    // A fresh text node each time, so screen readers announce a repeated message too.
    window.setTimeout(function () { status.textContent = text; }, 30);
  }

  // One save at a time per widget, in click order: the last click wins.
  var queues = new WeakMap();
  function enqueue(key, task) {
    var next = (queues.get(key) || Promise.resolve()).then(task, task);
    queues.set(key, next.catch(function () {}));
    return next;
  }

  // -- star widgets: <div class="stars"> inside a rating form, or an onboarding card ------------------
  function saveStars(group, input) {
    var form = input.form;
    var card = group.closest("[data-rate-url]");
    var url, body, status;
    if (card) {  // onboarding: the card's own rating, with the onboarding form's CSRF token
      url = card.dataset.rateUrl;
      body = new FormData();
      body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      body.append("stars", input.value);
      status = document.getElementById("onboarding-count");
    } else {
      url = form.action;
      body = new FormData(form);
      status = form.querySelector(".save-status");
    }
    return enqueue(group, function () {
      return post(url, body).then(function (reply) {
        say(status, card ? reply.rated_message : reply.message);
        var clear = form.querySelector(".clear-rating");
        if (clear && !card) clear.hidden = false;
        group.dataset.saved = input.value;
      }).catch(function () { say(status, failedText()); });
    });
  }

  function checkedValue(group) {
    var checked = group.querySelector("input[type=radio]:checked");
    return checked ? Number(checked.value) : 0;
  }

  // A radio group that moves the way the stars read: Right/Up one more, Left/Down one fewer (no wrap),
  // Home the first star, End the last. Focus stays on the star just chosen.
  function onKey(event) {
    var input = event.target;
    if (input.type !== "radio") return;
    var group = input.closest(".stars");
    var radios = Array.prototype.slice.call(group.querySelectorAll("input[type=radio]"));
    var current = checkedValue(group), target;
    switch (event.key) {
      case "ArrowRight": case "ArrowUp": target = Math.min(radios.length, Math.max(current + 1, 1)); break;
      case "ArrowLeft": case "ArrowDown": target = Math.max(1, current - 1); break;
      case "Home": target = 1; break;
      case "End": target = radios.length; break;
      default: return;
    }
    event.preventDefault();
    var chosen = radios[target - 1];
    chosen.focus();
    if (!chosen.checked) {
      chosen.checked = true;
      chosen.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function onChange(event) {
    var input = event.target;
    if (input.type !== "radio") return;
    var group = input.closest(".stars");
    if (group && (group.closest("[data-rating-form]") || group.closest("[data-rate-url]"))) saveStars(group, input);
  }

  // -- rating forms (Save and Clear buttons) and mark toggles ----------------------------------------
  function onSubmit(event) {
    var form = event.target;
    var submitter = event.submitter;
    if (form.matches("[data-rating-form]")) {
      event.preventDefault();
      var group = form.querySelector(".stars");
      var status = form.querySelector(".save-status");
      var clearing = submitter && submitter.classList.contains("clear-rating");
      if (!clearing) {
        var checked = form.querySelector("input[type=radio]:checked");
        if (checked) saveStars(group, checked);
        return;
      }
      enqueue(group, function () {
        return post(submitter.formAction, new FormData(form)).then(function (reply) {
          form.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
          submitter.hidden = true;
          delete group.dataset.saved;
          var first = form.querySelector("input[type=radio]");
          if (first) first.focus();
          say(status, reply.message);
        }).catch(function () { say(status, failedText()); });
      });
    } else if (form.matches("[data-mark-form]")) {
      event.preventDefault();
      var button = form.querySelector("button");
      post(form.action, new FormData(form)).then(function (reply) {
        form.querySelector("input[name=on]").value = reply.on ? "0" : "1";
        button.setAttribute("aria-pressed", reply.on ? "true" : "false");
        var card = form.closest(".movie-card");
        if (card && reply.mark === "hide") card.classList.toggle("is-hidden", reply.on);
        announce(reply.message);
      }).catch(function () { announce(failedText()); });
    }
  }

  function announce(text) {
    say(document.getElementById("member-status"), text);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js-saves");
    document.addEventListener("keydown", onKey);
    document.addEventListener("change", onChange);
    document.addEventListener("submit", onSubmit);
  });
})();
