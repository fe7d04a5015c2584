import { expect, test } from 'bun:test';
import { html, raw } from '../../src/shared/html';

test('interpolations are escaped by default', () => {
  const name = `<script>alert("x")</script>&'`;
  expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
});

test('nested templates and arrays are not double-escaped; raw is explicit', () => {
  const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
  expect(html`<ul>${items}</ul>${raw('<hr>')}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul><hr>');
});

test('null, undefined and false render nothing; numbers render', () => {
  expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
});
