// Password reset as people do it, in real Chromium against the real server and a real SMTP server on
// loopback: the admin sets email up at /admin/email and sends a test email; a member who forgot their
// password follows "Forgot your password?" from the log-in page, gets the link by email, sets a new
// password (typed twice; a mismatch is shown on the form) and is signed in, while their other browser
// is signed out. The admin's "Reset password" on /admin/users shows a one-time link.
// SALON_SCREENSHOTS=<dir> saves the pages at 390 and 1280 px.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser } from '../support/browser';
import { startTestSalon, type TestSalon } from '../support/salon';
import { resetLinkIn, startTestSmtp, type TestSmtp } from '../support/smtp';

let salon: TestSalon;
let smtp: TestSmtp;
const browsers: { close(): Promise<void> }[] = [];
let admin: Page, member: Page, visitor: Page;
const shots = process.env.SALON_SCREENSHOTS;

async function screenshots(page: Page, name: string) {
  if (!shots) return;
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    // Nothing wider than the screen (no sideways scrolling on a phone).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  }
  await page.setViewportSize({ width: 1000, height: 900 });
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  salon = await startTestSalon();
  const opened = await Promise.all([launchBrowser(), launchBrowser(), launchBrowser()]);
  browsers.push(...opened);
  [admin, member, visitor] = opened.map((b) => b.page) as [Page, Page, Page];
  await signUpInBrowser(admin, salon.url, 'pr_admin'); // the first account is the admin
  await signUpInBrowser(member, salon.url, 'pr_member');
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.deps.passwordResets.idle();
  await salon.dispose();
  await smtp.close();
});

test('the admin sets email up and sends a test email to themselves', async () => {
  await admin.goto(`${salon.url}/admin/settings`);
  await admin.getByRole('link', { name: 'Email', exact: true }).click();
  await admin.waitForURL(/\/admin\/email$/);
  await admin.getByText(/^Email is off: /).waitFor();
  await admin.fill('#field-host', '127.0.0.1');
  await admin.selectOption('#field-security', 'none');
  await admin.fill('#field-port', String(smtp.port));
  await admin.fill('#field-from', 'Salon <salon@example.org>');
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Saved.').waitFor();
  await admin.getByRole('button', { name: 'Send test email' }).click();
  await admin.locator('#test-result').getByText('Test email sent to pr_admin@example.org').waitFor();
  const mail = await smtp.waitForMail('pr_admin@example.org');
  expect(mail.parsed.subject).toBe('Test email from Salon');
  await screenshots(admin, 'admin-email');
}, 60_000);

test('forgot password → email → new password: signed in here, signed out in the other browser', async () => {
  await visitor.goto(`${salon.url}/login`);
  await visitor.getByRole('link', { name: 'Forgot your password?' }).click();
  await visitor.waitForURL(/\/password\/forgot$/);
  await screenshots(visitor, 'forgot');
  await visitor.fill('#field-login', 'pr_member@example.org');
  await visitor.getByRole('button', { name: 'Send me a link' }).click();
  await visitor.getByText('If an account matches, we sent a link to its email address.').waitFor();
  await screenshots(visitor, 'forgot-sent');

  const link = resetLinkIn(await smtp.waitForMail('pr_member@example.org'));
  await visitor.goto(link);
  await visitor.getByText('For @pr_member.').waitFor();
  await visitor.fill('#field-password', 'a-brand-new-password');
  await visitor.fill('#field-passwordConfirm', 'a-different-password');
  await visitor.getByRole('button', { name: 'Change password' }).click();
  await visitor.getByText('The two passwords differ.').waitFor();
  await screenshots(visitor, 'reset-form-error');
  await visitor.fill('#field-password', 'a-brand-new-password');
  await visitor.fill('#field-passwordConfirm', 'a-brand-new-password');
  await visitor.getByRole('button', { name: 'Change password' }).click();
  await visitor.waitForURL(/\/@pr_member$/);
  expect(await visitor.locator('.site-nav').textContent()).toContain('@pr_member');

  // The member's other browser was signed out by the reset.
  await member.goto(`${salon.url}/settings`);
  await member.waitForURL(/\/login\?next=/);

  // The link is used up.
  await visitor.goto(link);
  await visitor.getByText('This link is invalid, already used or expired').waitFor();
  await screenshots(visitor, 'reset-link-invalid');

  // The new password works; the old one does not.
  await member.fill('#field-login', 'pr_member');
  await member.fill('#field-password', 'long-enough-pw');
  await member.getByRole('button', { name: 'Log in' }).click();
  await member.getByText('Wrong handle, email or password.').waitFor();
  await member.fill('#field-password', 'a-brand-new-password');
  await member.getByRole('button', { name: 'Log in' }).click();
  await member.waitForURL(/\/settings$/);
}, 60_000);

test('the admin makes a one-time reset link from /admin/users', async () => {
  await admin.goto(`${salon.url}/admin/users?q=pr_member`);
  await screenshots(admin, 'admin-users');
  await admin.locator('li', { hasText: '@pr_member' }).getByRole('button', { name: 'Reset password' }).click();
  await admin.getByRole('heading', { name: 'Password reset link for @pr_member' }).waitFor();
  const link = await admin.locator('#reset-link').inputValue();
  expect(link).toStartWith(`${salon.url}/password/reset/`);
  await screenshots(admin, 'admin-reset-link');
  await visitor.goto(link);
  await visitor.getByText('For @pr_member.').waitFor();
  await screenshots(visitor, 'reset-form');
}, 60_000);
