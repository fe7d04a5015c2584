// Every migration, registered statically: the compiled binary has no folder to scan.
// Names sort in the order they run; never rename or edit one that has shipped.
import type { Migration } from 'kysely';
import * as m0001 from './0001_settings';
import * as m0002 from './0002_accounts';
import * as m0003 from './0003_rooms';
import * as m0004 from './0004_trust';
import * as m0005 from './0005_recordings';
import * as m0006 from './0006_schedules_notifications';
import * as m0007 from './0007_community';

export const migrations: Record<string, Migration> = {
  '0001_settings': m0001,
  '0002_accounts': m0002,
  '0003_rooms': m0003,
  '0004_trust': m0004,
  '0005_recordings': m0005,
  '0006_schedules_notifications': m0006,
  '0007_community': m0007,
};
