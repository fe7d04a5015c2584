// /settings: edit my profile (name, bio, language, avatar) and see whether I may host.
import { Elysia, t } from 'elysia';
import { profileSettingsPage } from '../../views/settings.pages';
import type { AppDeps } from '../app-deps';
import { checkBio, checkDisplayName } from '../accounts/accounts.model';
import { isLanguage } from '../i18n/i18n';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { requireViewer } from '../web/guards';
import { formRejected, page, redirect } from '../web/respond';

const profileBody = t.Object({
  displayName: t.Optional(t.String({ maxLength: 500 })),
  bio: t.Optional(t.String({ maxLength: 5000 })),
  language: t.Optional(t.String({ maxLength: 10 })),
  removeAvatar: t.Optional(t.String({ maxLength: 5 })),
  avatar: t.Optional(t.Any()), // checked by content in AvatarStore
  _csrf: t.Optional(t.String({ maxLength: 200 })),
});

export function settingsRoutes(deps: Pick<AppDeps, 'avatars' | 'contexts' | 'hosting' | 'users'>) {
  return new Elysia({ name: 'settings' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/settings', async ({ ctx }) => {
      const user = requireViewer(ctx);
      return page(ctx, profileSettingsPage(ctx, { user, hosting: await deps.hosting.eligibility(user), errors: [] }));
    })
    .post(
      '/settings/profile',
      async ({ ctx, body }) => {
        const user = requireViewer(ctx);
        const values = { displayName: (body.displayName ?? '').trim(), bio: (body.bio ?? '').trim(), language: body.language ?? '' };
        try {
          const errors = new FieldErrors();
          checkDisplayName(errors, values.displayName);
          checkBio(errors, values.bio);
          if (values.language && !isLanguage(values.language)) errors.add('language', 'error.field.oneOf', { values: 'en, fr' });
          errors.throwIfAny();
          const upload = body.avatar instanceof Blob && body.avatar.size > 0 ? body.avatar : undefined;
          const newAvatar = upload ? await deps.avatars.save(upload) : undefined;
          const avatarFile = newAvatar ?? (body.removeAvatar ? null : user.avatar_file);
          await deps.users.updateProfile(user, { displayName: values.displayName, bio: values.bio, language: values.language || null, avatarFile });
          if (avatarFile !== user.avatar_file) deps.avatars.remove(user.avatar_file);
          return redirect(ctx, `/@${user.handle}`);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const fresh = (await deps.users.byId(user.id))!;
          const hosting = await deps.hosting.eligibility(fresh);
          return formRejected(ctx, error, (errors) => profileSettingsPage(ctx, { user: fresh, hosting, values, errors }));
        }
      },
      { body: profileBody },
    );
}
