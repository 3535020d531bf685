/* The countdown of a timed quiz attempt (courses/learning/templates/learning/attempt.html).
 *
 * The server writes the whole seconds left until the time limit (rounded down) into
 * data-seconds-left; counting starts from the moment this page was requested, so the countdown
 * reaches zero at the time limit or a little before, whatever this device's clock says. At zero
 * the form is sent as filled: the server accepts answers for a few seconds after the time limit
 * (QUIZ_SUBMIT_GRACE_SECONDS, stated on the page), and all of that grace is left for the
 * network. Without this script the page states the time limit in words and nothing changes.
 */
(function () {
  "use strict";

  var countdown = document.getElementById("countdown");
  var form = document.getElementById("attempt-form");
  var shown = document.getElementById("countdown-value");
  var status = document.getElementById("countdown-status");
  var secondsLeft = Number(countdown && countdown.getAttribute("data-seconds-left"));
  if (!form || !shown || !status || !isFinite(secondsLeft)) {
    return;
  }

  // When the page was requested, on this device's clock: the server counted the seconds
  // left while answering that request, so counting from here never ends after the deadline.
  var navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var requestedAt = Date.now() - performance.now() + (navigation ? navigation.requestStart : 0);
  var endsAt = requestedAt + secondsLeft * 1000;
  var sent = false;
  var announced = {};
  var nextTick = null;

  function left() {
    return Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  }

  function format(seconds) {
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function announce(seconds) {
    // Spoken once each by screen readers (role=status); the timer itself stays silent.
    [
      [300, "data-five-minutes"],
      [60, "data-one-minute"],
    ].forEach(function (threshold) {
      if (seconds <= threshold[0] && secondsLeft > threshold[0] && !announced[threshold[1]]) {
        announced[threshold[1]] = true;
        status.textContent = countdown.getAttribute(threshold[1]);
      }
    });
  }

  function send() {
    if (sent) {
      return;
    }
    sent = true;
    shown.textContent = format(0);
    status.textContent = countdown.getAttribute("data-sending");
    // submit(), not requestSubmit(): the answers go as they are, even a half-typed number
    // that the browser's own checks would hold back.
    form.submit();
  }

  function tick() {
    if (sent) {
      return;
    }
    var seconds = left();
    shown.textContent = format(seconds);
    announce(seconds);
    if (seconds === 0) {
      send();
      return;
    }
    // Wake at the next whole second; a background tab may wake later, and the time is then
    // read again from the clock rather than counted.
    window.clearTimeout(nextTick);
    nextTick = window.setTimeout(tick, ((endsAt - Date.now()) % 1000) + 20);
  }

  form.addEventListener("submit", function () {
    sent = true; // the officer submitted: no second submit at zero
  });
  // A tab brought back to the front (or a laptop woken up) catches up at once.
  document.addEventListener("visibilitychange", tick);
  window.addEventListener("pageshow", tick);
  // One timer for the end that is not part of the once-a-second chain, which browsers slow
  // down most in background tabs.
  window.setTimeout(send, Math.max(0, endsAt - Date.now()));
  countdown.hidden = false;
  tick();
})();
