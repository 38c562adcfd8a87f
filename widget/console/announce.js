// @ts-check
// One polite status region for things a screen reader user should hear once (new request,
// chat ended, text inserted). New chat messages are announced by each chat's role="log".

let region = null;
let timer = null;

export function setAnnouncer(node) {
  region = node;
}

export function announce(text) {
  if (!region) return;
  // emptied first, so the same sentence twice is announced twice
  region.textContent = "";
  clearTimeout(timer);
  timer = setTimeout(() => {
    region.textContent = text;
  }, 50);
}
