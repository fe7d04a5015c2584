// Rules for a scheduled room's form: what the room is (as "Start now" checks it), when it starts
// (a wall-clock time in the host's zone, in the future, not too far ahead) and whom the host invites.
import type { ScheduledRoom } from '../db/schema';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { validateNewRoom, type NewRoom } from '../rooms/rooms.model';
import { isTimeZone, localTimeToUtc } from './time-zones';

export const scheduleLimits = { descriptionMax: 1000, handlesMax: 20 };
/** The host may start a scheduled room this long before its time. */
export const earlyStartMs = 15 * 60_000;
/** The host is told this long before. */
export const startingSoonMs = 15 * 60_000;

export interface ScheduleInput {
  title?: string;
  description?: string;
  topics?: string;
  speakPolicy?: string;
  recordIntent?: string;
  /** "2025-06-13T18:00" in `timeZone`, or an ISO instant with its offset (JSON clients). */
  startsAt?: string;
  timeZone?: string;
  /** Handles, separated by commas or spaces, with or without @. */
  speakers?: string;
  cohosts?: string;
}

export interface ValidSchedule extends NewRoom {
  description: string;
  startsAt: Date;
  timeZone: string;
  speakers: string[];
  cohosts: string[];
}

/** A scheduled room as services hand it out: topics parsed. */
export type Schedule = Omit<ScheduledRoom, 'topics'> & { topics: string[] };

export const parseHandles = (value: string | undefined) => [...new Set((value ?? '').split(/[\s,]+/).map((h) => h.trim().replace(/^@/, '').toLowerCase()).filter(Boolean))];

/** Checks the form; `previousStartsAt` lets an edit keep a time that has meanwhile come close or passed. */
export function validateSchedule(input: ScheduleInput, rules: { now: Date; maxDaysAhead: number; previousStartsAt?: string }): ValidSchedule {
  const errors = new FieldErrors();
  let room: NewRoom | undefined;
  try {
    room = validateNewRoom(input);
  } catch (error) {
    if (!(error instanceof FormInvalid)) throw error;
    for (const e of error.errors) errors.add(e.field, e.key, e.params);
  }
  const description = (input.description ?? '').trim();
  if (description.length > scheduleLimits.descriptionMax) errors.add('description', 'error.field.tooLong', { max: scheduleLimits.descriptionMax });
  const timeZone = (input.timeZone ?? '').trim() || 'UTC';
  if (!isTimeZone(timeZone)) errors.add('timeZone', 'schedule.error.timeZone');
  const raw = (input.startsAt ?? '').trim();
  let startsAt: Date | null = null;
  if (!raw) errors.add('startsAt', 'error.field.required');
  else {
    startsAt = /(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? new Date(Date.parse(raw)) : isTimeZone(timeZone) ? localTimeToUtc(raw, timeZone) : null;
    if (!startsAt || Number.isNaN(startsAt.getTime())) errors.add('startsAt', 'schedule.error.time');
    else if (rules.previousStartsAt && startsAt.getTime() === Date.parse(rules.previousStartsAt)) {
      // unchanged: an edit of the title just before the start stays possible
    } else if (startsAt.getTime() <= rules.now.getTime()) errors.add('startsAt', 'schedule.error.past');
    else if (startsAt.getTime() > rules.now.getTime() + rules.maxDaysAhead * 86_400_000) errors.add('startsAt', 'schedule.error.tooFar', { days: rules.maxDaysAhead });
  }
  const speakers = parseHandles(input.speakers);
  const cohosts = parseHandles(input.cohosts);
  if (speakers.length > scheduleLimits.handlesMax) errors.add('speakers', 'schedule.error.tooManyInvites', { max: scheduleLimits.handlesMax });
  if (cohosts.length > scheduleLimits.handlesMax) errors.add('cohosts', 'schedule.error.tooManyInvites', { max: scheduleLimits.handlesMax });
  const both = cohosts.find((h) => speakers.includes(h));
  if (both) errors.add('cohosts', 'schedule.error.invitedTwice', { handle: both });
  errors.throwIfAny();
  return { ...room!, description, startsAt: startsAt!, timeZone, speakers, cohosts };
}
