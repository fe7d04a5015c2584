// Chaînes d'interface en français.
import type { MessageKey } from './messages.en';

export const fr: Record<MessageKey, string> = {
  'site.tagline': 'Des salons audio en direct pour votre communauté',
  'home.intro': "{name} est un lieu pour parler en direct : les hôtes ouvrent des salons, invitent des gens sur scène, et toute personne qui a le lien peut écouter.",
  'home.noRooms': "Aucun salon n'est en direct pour le moment.",
  'home.liveNow': 'En direct',
  'nav.home': 'Accueil',
  'footer.poweredBy': 'Propulsé par Salon, le serveur de salons audio en direct auto-hébergeable.',
  'error.notFound.title': 'Page introuvable',
  'error.notFound.body': "Il n'y a rien à cette adresse.",
  'error.generic.title': 'Un problème est survenu',
  'error.generic.body': "Le serveur n'a pas pu traiter cette demande. Réessayez dans un instant.",
  'lang.name': 'Français',
};
