// A host's podcast: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, written by feedsmith.
// One item per public, ready replay (its AAC file is the enclosure: Apple's apps do not play Ogg
// Opus), the speakers as podcast:person, the speaker timeline as podcast:chapters, and a
// podcast:liveItem while the host is live. Unlisted and private replays never appear.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateRssFeed, type RssFeed } from 'feedsmith';
import type { Db } from '../../db/connection';
import type { Recording, User } from '../../db/schema';
import { speakerChapters, type SpeechStretch } from '../replay/speaker-chapters';

export interface FeedReplay {
  recording: Recording;
  /** The room's id: replays live at /r/<roomId>. */
  roomId: string;
  /** Bytes of replay.m4a. */
  bytes: number;
  speakers: FeedSpeaker[];
}

export interface FeedSpeaker {
  name: string;
  handle: string | null;
  role: 'host' | 'guest';
}

export interface FeedInput {
  origin: string;
  host: Pick<User, 'handle' | 'display_name' | 'bio' | 'avatar_file'>;
  instanceName: string;
  language: string;
  replays: FeedReplay[];
  live?: { roomId: string; title: string; startedAt: Date };
}

/** Seconds the replay lasts once trimmed. */
export function replaySeconds(recording: Pick<Recording, 'duration_ms' | 'trim_start_ms' | 'trim_end_ms'>): number {
  const end = recording.trim_end_ms ?? recording.duration_ms;
  return Math.max(0, Math.round((end - recording.trim_start_ms) / 1000));
}

/** SQLite's `strftime` ISO text, or its `CURRENT_TIMESTAMP` form, as a Date. */
export function sqlDate(text: string): Date {
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

export function podcastFeedXml(input: FeedInput): string {
  const { origin, host } = input;
  const profile = `${origin}/@${host.handle}`;
  const image = host.avatar_file ? `${origin}/avatars/${host.avatar_file}` : undefined;
  const title = `${host.display_name} · ${input.instanceName}`;
  const personOf = (s: FeedSpeaker) => ({ display: s.name, role: s.role, ...(s.handle ? { href: `${origin}/@${s.handle}` } : {}) });
  const feed: RssFeed.Feed<Date> = {
    title,
    link: profile,
    description: host.bio || `Replays of rooms hosted by ${host.display_name} on ${input.instanceName}`,
    language: input.language,
    generator: 'Salon',
    ...(image ? { image: { url: image, title, link: profile } } : {}),
    atom: { links: [{ href: `${profile}/podcast.rss`, rel: 'self', type: 'application/rss+xml' }] },
    itunes: { author: host.display_name, explicit: false, type: 'episodic', ...(image ? { image } : {}) },
    podcast: {
      medium: 'podcast',
      persons: [{ display: host.display_name, role: 'host', href: profile }],
      ...(input.live
        ? { liveItems: [{ status: 'live', start: input.live.startedAt, contentLinks: [{ href: `${origin}/r/${input.live.roomId}`, display: input.live.title }] }] }
        : {}),
    },
    items: input.replays.map(({ recording, roomId, bytes, speakers }) => ({
      title: recording.title,
      link: `${origin}/r/${roomId}`,
      description: recording.description || recording.title,
      guid: { value: `${origin}/r/${roomId}`, isPermaLink: false },
      pubDate: sqlDate(recording.stopped_at ?? recording.started_at),
      enclosures: [{ url: `${origin}/r/${roomId}/replay.m4a`, length: bytes, type: 'audio/mp4' }],
      itunes: { duration: replaySeconds(recording), author: host.display_name, explicit: false, episodeType: 'full' },
      podcast: {
        persons: speakers.map(personOf),
        chapters: { url: `${origin}/r/${roomId}/chapters.json`, type: 'application/json+chapters' },
      },
    })),
  };
  return generateRssFeed(feed);
}

/** Public, ready replays of a host, newest first, with their file size and speakers (one query each). */
export async function publicReplaysForFeed(db: Db, host: Pick<User, 'id'>, dirOf: (recordingId: string) => string, limit = 100): Promise<FeedReplay[]> {
  const recordings = await db
    .selectFrom('recordings')
    .selectAll()
    .where('host_id', '=', host.id)
    .where('visibility', '=', 'public')
    .where('status', '=', 'ready')
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
  if (!recordings.length) return [];
  const speakers = await speakersOf(db, recordings.map((r) => r.id));
  const replays: FeedReplay[] = [];
  for (const recording of recordings) {
    const bytes = (await stat(join(dirOf(recording.id), 'replay.m4a')).catch(() => null))?.size;
    if (!bytes) continue; // no podcast file (yet): an enclosure must have one
    const people = speakers.get(recording.id) ?? [];
    replays.push({
      recording,
      roomId: recording.room_id,
      bytes,
      speakers: people.map((p) => ({ name: p.name, handle: p.handle, role: p.user_id === recording.host_id ? 'host' : 'guest' })),
    });
  }
  return replays;
}

/** The distinct people with a track in each recording (the host first). */
export async function speakersOf(db: Db, recordingIds: string[]): Promise<Map<string, { user_id: number | null; name: string; handle: string | null }[]>> {
  const rows = await db
    .selectFrom('recording_tracks')
    .leftJoin('users', 'users.id', 'recording_tracks.user_id')
    .select(['recording_tracks.recording_id', 'recording_tracks.user_id', 'recording_tracks.participant_id', 'recording_tracks.name', 'users.handle', 'users.display_name'])
    .where('recording_tracks.recording_id', 'in', recordingIds)
    .orderBy('recording_tracks.offset_ms')
    .execute();
  const byRecording = new Map<string, { user_id: number | null; name: string; handle: string | null }[]>();
  const seen = new Set<string>();
  for (const row of rows) {
    const key = `${row.recording_id}/${row.user_id ?? row.participant_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byRecording.get(row.recording_id) ?? [];
    list.push({ user_id: row.user_id, name: row.display_name ?? row.name, handle: row.handle ?? null });
    byRecording.set(row.recording_id, list);
  }
  return byRecording;
}

/**
 * Podcasting 2.0 chapters (https://github.com/Podcastindex-org/podcast-namespace, chapters 1.2.0)
 * from the speaker timeline, as the replay page shows it: seconds from the trimmed replay's start.
 */
export function chaptersJson(speech: readonly SpeechStretch[], recording: Pick<Recording, 'trim_start_ms' | 'trim_end_ms'>) {
  const chapters = speakerChapters(speech, { startMs: recording.trim_start_ms, endMs: recording.trim_end_ms });
  return {
    version: '1.2.0',
    chapters: chapters.map((c) => ({ startTime: Math.round(c.startMs / 100) / 10, endTime: Math.round(c.endMs / 100) / 10, title: c.name })),
  };
}
