// iCalendar files with ical-generator: one scheduled room (an event with a reminder alarm 15
// minutes before), or a host's upcoming rooms as a feed calendar apps subscribe to.
import ical, { ICalAlarmType, ICalEventStatus } from 'ical-generator';
import type { Schedule } from './schedules.model';

/** Rooms have no planned end: calendars get an hour. */
const assumedLengthMs = 3600_000;
const alarmBeforeSeconds = 15 * 60;

export interface CalendarHost {
  handle: string;
  display_name: string;
}

export const calendarHeaders = (filename: string) => ({
  'content-type': 'text/calendar; charset=utf-8',
  'content-disposition': `inline; filename="${filename}"`,
  'cache-control': 'no-cache',
});

export function roomsCalendar(opts: { name: string; publicUrl: string; instanceName: string; host: CalendarHost; rooms: Schedule[]; feed?: boolean }): string {
  const origin = opts.publicUrl.replace(/\/+$/, '');
  const calendar = ical({ name: opts.name, prodId: { company: 'Salon', product: opts.instanceName, language: 'EN' }, ...(opts.feed ? { ttl: 3600, url: `${origin}/@${opts.host.handle}` } : {}) });
  for (const room of opts.rooms) {
    const start = new Date(room.starts_at);
    const url = `${origin}/r/${room.id}`;
    const event = calendar.createEvent({
      id: `${room.id}@${new URL(origin).hostname}`,
      start,
      end: new Date(start.getTime() + assumedLengthMs),
      summary: room.title,
      description: [room.description, url].filter(Boolean).join('\n\n'),
      url,
      location: url,
      // ical-generator needs an address; the instance answers nothing by mail, so it says so.
      organizer: { name: `${opts.host.display_name} (@${opts.host.handle})`, email: `noreply@${new URL(origin).hostname}` },
      status: room.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      stamp: new Date(room.updated_at),
      lastModified: new Date(room.updated_at),
      sequence: Math.floor(Date.parse(room.updated_at) / 1000) % 2_000_000_000, // grows with each edit
    });
    if (room.status === 'scheduled') event.createAlarm({ type: ICalAlarmType.display, trigger: alarmBeforeSeconds, description: room.title });
  }
  return calendar.toString();
}
