// The public booking page: free times from GET /services/{id}/availability, the booking by
// POST /services/{id}/book. The API judges every rule; this script only shows its answers.
// Everything user-visible is set with textContent, never parsed as HTML.
"use strict";

(function () {
  const root = document.querySelector("[data-testid=booking-page]");
  if (!root) return;

  const serviceId = root.dataset.serviceId;
  const timeZone = root.dataset.timeZone;
  const form = document.getElementById("booking-form");
  const dateInput = document.getElementById("booking-date");
  const slotList = document.getElementById("slot-list");
  const slotsStatus = document.getElementById("slots-status");
  const errorBox = document.getElementById("booking-error");
  const button = document.getElementById("book-button");
  const buttonLabel = button.textContent.trim();
  const confirmation = document.getElementById("booking-confirmation");

  const timeFormat = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" });
  const dayFormat = new Intl.DateTimeFormat("en-US", {
    timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric",
  });
  // A bare YYYY-MM-DD names a calendar day: format it as such, whatever the browser's zone.
  const plainDayFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric",
  });

  let idempotencyKey = newKey();
  let submitting = false;
  let slotRequest = 0;

  function newKey() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showError(message, code) {
    errorBox.textContent = message;
    errorBox.dataset.code = code || "";
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    delete errorBox.dataset.code;
  }

  function apiError(body) {
    return (body && body.error) || {};
  }

  function slotRange(slot) {
    return `${timeFormat.format(new Date(slot.startTime))} – ${timeFormat.format(new Date(slot.endTime))}`;
  }

  async function loadSlots() {
    const day = dateInput.value;
    const request = ++slotRequest;
    slotList.replaceChildren();
    if (!day) {
      slotsStatus.textContent = "Choose a day to see its free times.";
      return;
    }
    slotsStatus.textContent = "Loading free times…";
    let response;
    let body = null;
    try {
      const query = new URLSearchParams({ start: day, end: day });
      response = await fetch(`/services/${encodeURIComponent(serviceId)}/availability?${query}`, {
        headers: { Accept: "application/json" },
      });
      body = await response.json().catch(() => null);
    } catch (err) {
      if (request === slotRequest) slotsStatus.textContent = "Free times could not be loaded (network problem). Try again.";
      return;
    }
    if (request !== slotRequest) return; // a later day was chosen meanwhile
    if (!response.ok) {
      const error = apiError(body);
      slotsStatus.textContent = `Free times could not be loaded: ${error.message || response.statusText}`;
      return;
    }
    const free = body.slots.filter((slot) => slot.remaining > 0);
    const dayName = plainDayFormat.format(new Date(`${day}T12:00:00Z`));
    if (free.length === 0) {
      slotsStatus.textContent = `No free times on ${dayName}. Please choose another day.`;
      return;
    }
    slotsStatus.textContent = `${free.length} free ${free.length === 1 ? "time" : "times"} on ${dayName} (${timeZone} time):`;
    free.forEach((slot, index) => {
      const label = document.createElement("label");
      label.className = "slot";
      label.dataset.testid = "slot-option";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "startTime";
      input.value = slot.startTime;
      input.required = true;
      input.id = `slot-${index}`;
      input.dataset.testid = "slot";
      input.setAttribute("aria-label", slotRange(slot));
      label.title = slotRange(slot);
      const text = document.createElement("span");
      text.textContent = timeFormat.format(new Date(slot.startTime));
      label.append(input, text);
      slotList.append(label);
    });
  }

  function showConfirmation(job) {
    const pending = job.status === "pending-confirmation";
    const start = new Date(job.startTime);
    const end = new Date(job.endTime);
    confirmation.dataset.status = job.status;
    document.getElementById("confirmation-status").textContent = pending
      ? "Your booking is pending confirmation"
      : "Your booking is confirmed";
    document.getElementById("confirmation-detail").textContent =
      `${dayFormat.format(start)}, ${timeFormat.format(start)} – ${timeFormat.format(end)} (${timeZone} time). ` +
      (pending ? "The business will confirm it with you." : "See you then.");
    document.getElementById("booking-reference").textContent = job.id;
    form.hidden = true;
    confirmation.hidden = false;
    confirmation.focus();
  }

  function contactBody() {
    const value = (name) => form.elements[name].value.trim();
    const chosen = form.querySelector("input[name=startTime]:checked");
    const body = {
      startTime: chosen.value,
      contact: { name: value("name"), email: value("email") },
    };
    if (value("phone")) body.contact.phone = value("phone");
    if (form.elements.notes.value.trim()) body.notes = form.elements.notes.value;
    if (root.dataset.fault === "chromium-only-api") {
      // The broken variant e2e_booking_needs_chromium (reference_app/faults.py): a call only
      // Chromium has (User-Agent Client Hints); in WebKit and Firefox it throws, and the
      // booking is never sent.
      body.notes = [body.notes, navigator.userAgentData.platform].filter(Boolean).join(" ");
    }
    return body;
  }

  function done() {
    submitting = false;
    button.disabled = false;
    button.textContent = buttonLabel;
    form.removeAttribute("aria-busy");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submitting) return; // a double click sends one request
    if (!form.querySelector("input[name=startTime]:checked")) {
      showError("Choose one of the free times first.", "no_time_chosen");
      return;
    }
    submitting = true;
    button.disabled = true;
    button.textContent = "Booking…";
    form.setAttribute("aria-busy", "true");
    clearError();
    let response;
    let body = null;
    try {
      response = await fetch(`/services/${encodeURIComponent(serviceId)}/book`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "Idempotency-Key": idempotencyKey,
        },
        body: JSON.stringify(contactBody()),
      });
      body = await response.json().catch(() => null);
    } catch (err) {
      // The booking may have been made: keeping the key makes a retry return it, not book twice.
      showError("The booking could not be sent (network problem). Please try again: you will not be booked twice.", "network_error");
      done();
      return;
    }
    if (response.status === 201 && body && body.job) {
      showConfirmation(body.job);
      return;
    }
    // A refused booking is not stored: the next attempt is a new request with a new key.
    idempotencyKey = newKey();
    const error = apiError(body);
    if (response.status === 409) {
      showError(`${error.message || "This time is no longer available."} Someone booked it a moment ago: please choose another time.`, error.code || "slot_unavailable");
      loadSlots();
    } else if (response.status === 422 && error.code !== "validation_error") {
      showError(`${error.message || "This time cannot be booked."} Please choose another time.`, error.code);
      loadSlots();
    } else if (response.status === 422) {
      showError(`Please check your details: ${error.message}`, error.code);
    } else if (response.status === 404) {
      showError("This service is no longer taking bookings.", error.code || "service_not_found");
    } else {
      showError(`The booking failed (${response.status}): ${error.message || response.statusText}`, error.code || `http_${response.status}`);
    }
    done();
  });

  dateInput.addEventListener("change", () => {
    clearError();
    loadSlots();
  });
  loadSlots();
})();
