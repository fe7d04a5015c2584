// Rules for creating a room.
import { FieldErrors } from '../shared/form-errors';
import type { SpeakPolicy } from './live/room.model';

export const roomLimits = { titleMax: 100, topicsMax: 3, topicMax: 30, reasonMax: 500 };

export interface NewRoomInput {
  title?: string;
  topics?: string; // comma-separated
  speakPolicy?: string;
  recordIntent?: string;
}

export interface NewRoom {
  title: string;
  topics: string[];
  speakPolicy: SpeakPolicy;
  recordIntent: boolean;
}

export function validateNewRoom(input: NewRoomInput): NewRoom {
  const errors = new FieldErrors();
  const title = (input.title ?? '').trim().replace(/\s+/g, ' ');
  if (!title) errors.add('title', 'error.field.required');
  else if (title.length > roomLimits.titleMax) errors.add('title', 'error.field.tooLong', { max: roomLimits.titleMax });
  const topics = [...new Set((input.topics ?? '').split(',').map((t) => t.trim().replace(/^#/, '')).filter(Boolean))];
  if (topics.length > roomLimits.topicsMax) errors.add('topics', 'room.topics.tooMany', { max: roomLimits.topicsMax });
  else if (topics.some((t) => t.length > roomLimits.topicMax)) errors.add('topics', 'room.topics.tooLong', { max: roomLimits.topicMax });
  const speakPolicy = input.speakPolicy ?? 'anyone';
  if (speakPolicy !== 'anyone' && speakPolicy !== 'invited') errors.add('speakPolicy', 'error.field.oneOf', { values: 'anyone, invited' });
  errors.throwIfAny();
  return { title, topics, speakPolicy: speakPolicy as SpeakPolicy, recordIntent: !!input.recordIntent };
}
