// The share button of room, clip and scheduled pages (static/build/share.js): the Web Share API
// where the browser has it (phones, some desktops), else copy the link, with a visible "copied".
// Without JavaScript the page shows the link in a read-only field instead of the button.
// The same bundle starts the embed player's live mode (embed-live.ts).
import { enhanceLiveEmbed } from './embed-live';

function enhance(box: HTMLElement) {
  if (box.dataset.shareReady) return;
  box.dataset.shareReady = 'yes';
  const button = box.querySelector<HTMLButtonElement>('.share-button')!;
  const field = box.querySelector<HTMLInputElement>('.share-url')!;
  const status = box.querySelector<HTMLElement>('.share-status')!;
  button.hidden = false;
  field.hidden = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const say = (text: string) => {
    status.textContent = text;
    box.classList.add('share-done');
    clearTimeout(timer);
    timer = setTimeout(() => {
      status.textContent = '';
      box.classList.remove('share-done');
    }, 2500);
  };
  button.addEventListener('click', async () => {
    const url = box.dataset.shareUrl!;
    const data = { url, title: box.dataset.shareTitle ?? document.title };
    if (typeof navigator.share === 'function' && (!navigator.canShare || navigator.canShare(data))) {
      try {
        await navigator.share(data);
        return;
      } catch (error) {
        if ((error as Error).name === 'AbortError') return; // the person closed the share sheet
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      say(box.dataset.copied ?? 'Copied');
    } catch {
      // No clipboard (permissions, plain http): show the field, selected, to copy by hand.
      field.hidden = false;
      field.select();
      say(box.dataset.failed ?? '');
    }
  });
}

function enhanceAll() {
  for (const box of document.querySelectorAll<HTMLElement>('.share-box')) enhance(box);
}

enhanceAll();
enhanceLiveEmbed();
// htmx navigations (boosted links) swap in new pages without reloading this script.
document.addEventListener('htmx:afterSettle', enhanceAll);
