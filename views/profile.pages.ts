// Profile page /@handle, follower/following lists, and the follow/block buttons (htmx fragments).
import { html, type SafeHtml } from '../src/shared/html';
import type { User } from '../src/db/schema';
import type { Relationship } from '../src/social/social.service';
import { actionButton, avatar } from './components';
import { listingsSlot } from './clip.page';
import { layout, type PageContext } from './layout';
import { upcomingSlot } from './schedule.pages';

export interface ProfileView {
  user: User;
  counts: { followers: number; following: number };
  relationship: Relationship;
  /** Set by the rooms feature when this person is hosting a live room. */
  liveRoomUrl?: string;
  /** Link preview tags. */
  shareHead?: SafeHtml;
}

/** Follow/unfollow button; htmx swaps it in place, plain forms redirect back. */
export function followButton(ctx: PageContext, user: { handle: string }, relationship: Relationship): SafeHtml {
  const { t } = ctx;
  if (!ctx.viewer || ctx.viewer.handle === user.handle || relationship.blocking) return html``;
  const id = `follow-${user.handle}`;
  const action = relationship.following ? 'unfollow' : 'follow';
  return html`<span id="${id}" class="follow-button">${actionButton(ctx, `/@${user.handle}/${action}`, t(relationship.following ? 'profile.unfollow' : 'profile.follow'), { target: `#${id}` })}</span>`;
}

export function profilePage(ctx: PageContext, view: ProfileView) {
  const { t } = ctx;
  const { user, counts, relationship } = view;
  const own = ctx.viewer?.handle === user.handle;
  const body = html`<section class="profile">
    <div class="profile-head">
      ${view.liveRoomUrl ? html`<a href="${view.liveRoomUrl}" title="${t('profile.liveNow')}">${avatar(user, 96, true)}</a>` : avatar(user, 96)}
      <div>
        <h1>${user.display_name}</h1>
        <p class="handle">@${user.handle}${relationship.followedBy ? html` <span class="badge">${t('profile.followsYou')}</span>` : ''}</p>
        ${user.suspended_at ? html`<p class="badge warn">${t('profile.suspended')}</p>` : ''}
      </div>
    </div>
    ${user.bio ? html`<p class="bio">${user.bio}</p>` : ''}
    <p class="counts">
      <a href="/@${user.handle}/followers"><strong>${counts.followers}</strong> ${t('profile.followers')}</a>
      <a href="/@${user.handle}/following"><strong>${counts.following}</strong> ${t('profile.following')}</a>
    </p>
    <div class="actions">
      ${own ? html`<a class="button" href="/settings">${t('profile.edit')}</a>` : ''}
      ${followButton(ctx, user, relationship)}
      ${ctx.viewer && !own
        ? relationship.blocking
          ? actionButton(ctx, `/@${user.handle}/unblock`, t('profile.unblock'))
          : actionButton(ctx, `/@${user.handle}/block`, t('profile.block'), { danger: true })
        : ''}
    </div>
  </section>
  ${upcomingSlot(ctx, 'profile-upcoming', `/@${user.handle}/upcoming`)}
  ${listingsSlot(ctx, 'profile-replays', `/@${user.handle}/replays`)}`;
  return layout(ctx, { title: `${user.display_name} (@${user.handle})`, body, head: view.shareHead });
}

export function connectionsPage(
  ctx: PageContext,
  view: {
    user: User;
    direction: 'followers' | 'following';
    people: { handle: string; display_name: string; avatar_file: string | null; bio: string; relationship: Relationship }[];
  },
) {
  const { t } = ctx;
  const title = t(view.direction === 'followers' ? 'profile.followersOf' : 'profile.followingOf', { name: view.user.display_name });
  return layout(ctx, {
    title,
    body: html`<section>
    <h1>${title}</h1>
    <p><a href="/@${view.user.handle}">← @${view.user.handle}</a></p>
    ${view.people.length === 0 ? html`<p class="empty">${t('profile.nobody')}</p>` : ''}
    <ul class="people">
      ${view.people.map(
        (p) => html`<li>
        <a href="/@${p.handle}">${avatar(p, 40)}</a>
        <div><a href="/@${p.handle}"><strong>${p.display_name}</strong> <span class="handle">@${p.handle}</span></a>
        ${p.bio ? html`<p class="bio">${p.bio}</p>` : ''}</div>
        ${followButton(ctx, p, p.relationship)}
      </li>`,
      )}
    </ul>
  </section>`,
  });
}
