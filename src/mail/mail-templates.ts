// The emails Salon sends, in the recipient's language: plain text and a simple HTML version
// (escaped like the pages, no images, no remote content).
import { html, type SafeHtml } from '../shared/html';
import { translator, isLanguage, type Language, type Translate } from '../i18n/i18n';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** The recipient's language: their own choice, else the instance's default. */
export const mailLanguage = (userLanguage: string | null | undefined, instanceDefault: Language): Language =>
  isLanguage(userLanguage) ? userLanguage : instanceDefault;

function htmlMail(lang: Language, title: string, body: SafeHtml, footer: string): string {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:24px;background:#f6f4f1;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d1b19;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px">
${body}
<p style="margin-top:32px;color:#6b6560;font-size:13px">${footer}</p>
</div></body></html>`.value;
}

const button = (href: string, label: string) =>
  html`<p style="margin:24px 0"><a href="${href}" style="display:inline-block;background:#5b3fd1;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">${label}</a></p>`;

export function passwordResetMail(lang: Language, view: { instanceName: string; handle: string; link: string; minutes: number }): MailContent {
  const t: Translate = translator(lang);
  const subject = t('mail.reset.subject', { instance: view.instanceName });
  const intro = t('mail.reset.intro', { handle: view.handle, instance: view.instanceName });
  const expiry = t('mail.reset.expiry', { minutes: view.minutes });
  const ignore = t('mail.reset.ignore');
  const footer = t('mail.footer', { instance: view.instanceName });
  const text = `${intro}\n\n${view.link}\n\n${expiry}\n${ignore}\n\n-- \n${footer}\n`;
  const body = html`<h1 style="font-size:20px;margin:0 0 16px">${subject}</h1><p>${intro}</p>${button(view.link, t('mail.reset.button'))}
<p style="font-size:13px;color:#6b6560;word-break:break-all">${t('mail.reset.linkText')}<br><a href="${view.link}">${view.link}</a></p><p>${expiry}<br>${ignore}</p>`;
  return { subject, text, html: htmlMail(lang, subject, body, footer) };
}

export function testMail(lang: Language, view: { instanceName: string; origin: string }): MailContent {
  const t = translator(lang);
  const subject = t('mail.test.subject', { instance: view.instanceName });
  const body = t('mail.test.body', { instance: view.instanceName });
  const footer = t('mail.footer', { instance: view.instanceName });
  return {
    subject,
    text: `${body}\n\n${view.origin}\n\n-- \n${footer}\n`,
    html: htmlMail(lang, subject, html`<h1 style="font-size:20px;margin:0 0 16px">${subject}</h1><p>${body}</p><p><a href="${view.origin}">${view.origin}</a></p>`, footer),
  };
}

/** A notification sent by email: its sentence and a link to where it leads. */
export function notificationMail(lang: Language, view: { instanceName: string; sentence: string; link: string; settingsLink: string }): MailContent {
  const t = translator(lang);
  const subject = `${view.sentence} · ${view.instanceName}`;
  const footer = t('mail.notification.footer', { instance: view.instanceName });
  const text = `${view.sentence}\n\n${view.link}\n\n-- \n${footer}\n${view.settingsLink}\n`;
  const body = html`<p style="font-size:17px">${view.sentence}</p>${button(view.link, t('mail.notification.open'))}`;
  return { subject, text, html: htmlMail(lang, subject, body, `${footer} ${view.settingsLink}`) };
}
