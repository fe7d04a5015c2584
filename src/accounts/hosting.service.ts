// Who may host a room: admins, members an admin granted hosting, and anyone with at least
// `hostMinFollowers` followers (the rule Spaces launched with).
import type { User } from '../db/schema';
import type { SettingsService } from '../settings/settings.service';
import type { SocialService } from '../social/social.service';

export interface HostingEligibility {
  allowed: boolean;
  reason: 'admin' | 'granted' | 'followers' | 'tooFewFollowers' | 'suspended';
  followers: number;
  needed: number;
}

export class HostingService {
  constructor(
    private readonly settings: SettingsService,
    private readonly social: SocialService,
  ) {}

  async eligibility(user: User): Promise<HostingEligibility> {
    const needed = this.settings.get().hostMinFollowers;
    const { followers } = await this.social.counts(user.id);
    const base = { followers, needed };
    if (user.suspended_at) return { ...base, allowed: false, reason: 'suspended' };
    if (user.role === 'admin') return { ...base, allowed: true, reason: 'admin' };
    if (user.hosting_granted) return { ...base, allowed: true, reason: 'granted' };
    if (followers >= needed) return { ...base, allowed: true, reason: 'followers' };
    return { ...base, allowed: false, reason: 'tooFewFollowers' };
  }
}
