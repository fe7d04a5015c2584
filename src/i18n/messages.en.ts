// English UI strings: the reference set. Every key must exist in every other language.
export const en = {
  'site.tagline': 'Live audio rooms for your community',
  'home.intro': '{name} is a place to talk live: hosts open rooms, bring people on stage, and anyone with the link can listen.',
  'home.noRooms': 'No room is live right now.',
  'home.liveNow': 'Live now',
  'nav.home': 'Home',
  'footer.poweredBy': 'Powered by Salon, the self-hostable live audio rooms server.',
  'error.notFound.title': 'Page not found',
  'error.notFound.body': 'There is nothing at this address.',
  'error.generic.title': 'Something went wrong',
  'error.generic.body': 'The server could not complete this request. Try again in a moment.',
  'lang.name': 'English',
} as const;

export type MessageKey = keyof typeof en;
