/** The sentences of the review, product, referral and points parts of the pages, per language. */
import type { Language } from '../../i18n/locale.js';

export interface ReviewPageText {
  reviewItems: string;
  reviewIntro: string;
  notReviewable: string;
  stars: (n: number) => string;
  ratingLegend: string;
  title: string;
  text: string;
  displayName: string;
  displayNameHint: string;
  photo: string;
  photoHint: (maxMb: number) => string;
  submit: string;
  reviewed: (status: 'published' | 'held' | 'rejected') => string;
  thanksTitle: string;
  thanks: string;
  published: string;
  held: string;
  verifiedBuyer: string;
  verifiedPurchase: string;
  storeReply: (store: string) => string;
  productTitle: (name: string) => string;
  average: (avg: string, count: number) => string;
  noReviews: string;
  distribution: string;
  starsRow: (n: number) => string;
  newer: string;
  older: string;
  allReviews: string;
  referralTitle: string;
  referralAsk: (code: string, points: number) => string;
  referralLink: string;
  referralPageTitle: string;
  referralPageIntro: (store: string) => string;
  referralEmailLabel: string;
  referralCheck: string;
  referralUse: (code: string) => string;
  errors: {
    title: string;
    notInOrder: string;
    alreadyReviewed: string;
    invalid: (field: string, why: string) => string;
    tooLarge: (maxMb: number) => string;
    notImage: string;
    ownCode: string;
    unknownCode: string;
  };
}

const en: ReviewPageText = {
  reviewItems: 'Review what you bought',
  reviewIntro: 'Tell other shoppers what you think of each item. Your review shows the name you choose, or "Verified buyer".',
  notReviewable: 'This item cannot be reviewed.',
  stars: (n) => `${n} star${n === 1 ? '' : 's'}`,
  ratingLegend: 'Your rating',
  title: 'Title',
  text: 'Your review',
  displayName: 'Name to show (optional)',
  displayNameHint: 'Leave empty to appear as "Verified buyer".',
  photo: 'Photo (optional)',
  photoHint: (mb) => `JPEG, PNG or WebP, up to ${mb} MB. Location and camera data are removed.`,
  submit: 'Submit review',
  reviewed: (s) => (s === 'published' ? 'Reviewed: your review is published.' : s === 'held' ? 'Reviewed: your review will appear once the store has checked it.' : 'Reviewed.'),
  thanksTitle: 'Thank you for your review',
  thanks: 'Thank you for taking the time.',
  published: 'Your review is published.',
  held: 'Your review will appear once the store has checked it.',
  verifiedBuyer: 'Verified buyer',
  verifiedPurchase: 'Verified purchase',
  storeReply: (store) => `Reply from ${store}`,
  productTitle: (name) => `Reviews of ${name}`,
  average: (avg, count) => `${avg} out of 5 (${count} review${count === 1 ? '' : 's'})`,
  noReviews: 'No reviews yet.',
  distribution: 'Ratings',
  starsRow: (n) => `${n} star${n === 1 ? '' : 's'}`,
  newer: 'First page',
  older: 'More reviews',
  allReviews: 'All reviews',
  referralTitle: 'Share it with a friend',
  referralAsk: (code, points) => `Give a friend your code ${code}: when their order arrives, you get ${points} points.`,
  referralLink: 'Your referral link',
  referralPageTitle: 'A gift from a friend',
  referralPageIntro: (store) => `A friend recommends ${store}. Enter your email to get the code to use at checkout.`,
  referralEmailLabel: 'Your email',
  referralCheck: 'Get the code',
  referralUse: (code) => `Use the code ${code} at checkout.`,
  errors: {
    title: 'That did not work',
    notInOrder: 'This item is not part of the order this link belongs to.',
    alreadyReviewed: 'This item has already been reviewed with this order; a review cannot be submitted twice.',
    invalid: (field, why) => `${field}: ${why}.`,
    tooLarge: (mb) => `The photo is larger than ${mb} MB.`,
    notImage: 'The photo must be a JPEG, PNG or WebP image.',
    ownCode: 'This is your own referral code: it is for your friends.',
    unknownCode: 'This referral code does not exist.',
  },
};

const de: ReviewPageText = {
  ...en,
  reviewItems: 'Bewerten Sie Ihre Artikel',
  reviewIntro: 'Sagen Sie anderen, was Sie von jedem Artikel halten. Ihre Bewertung zeigt den Namen, den Sie wählen, oder „Verifizierter Kauf“.',
  notReviewable: 'Dieser Artikel kann nicht bewertet werden.',
  stars: (n) => `${n} ${n === 1 ? 'Stern' : 'Sterne'}`,
  ratingLegend: 'Ihre Bewertung',
  title: 'Titel',
  text: 'Ihre Bewertung',
  displayName: 'Angezeigter Name (optional)',
  displayNameHint: 'Leer lassen, um als „Verifizierter Kauf“ zu erscheinen.',
  photo: 'Foto (optional)',
  photoHint: (mb) => `JPEG, PNG oder WebP, bis ${mb} MB. Standort- und Kameradaten werden entfernt.`,
  submit: 'Bewertung senden',
  reviewed: (s) => (s === 'published' ? 'Bewertet: Ihre Bewertung ist veröffentlicht.' : s === 'held' ? 'Bewertet: Ihre Bewertung erscheint, sobald der Shop sie geprüft hat.' : 'Bewertet.'),
  thanksTitle: 'Danke für Ihre Bewertung',
  thanks: 'Danke, dass Sie sich die Zeit genommen haben.',
  published: 'Ihre Bewertung ist veröffentlicht.',
  held: 'Ihre Bewertung erscheint, sobald der Shop sie geprüft hat.',
  verifiedBuyer: 'Verifizierter Kauf',
  verifiedPurchase: 'Verifizierter Kauf',
  storeReply: (store) => `Antwort von ${store}`,
  productTitle: (name) => `Bewertungen für ${name}`,
  average: (avg, count) => `${avg} von 5 (${count} ${count === 1 ? 'Bewertung' : 'Bewertungen'})`,
  noReviews: 'Noch keine Bewertungen.',
  distribution: 'Bewertungen',
  starsRow: (n) => `${n} ${n === 1 ? 'Stern' : 'Sterne'}`,
  newer: 'Erste Seite',
  older: 'Weitere Bewertungen',
  allReviews: 'Alle Bewertungen',
  referralTitle: 'Empfehlen Sie uns weiter',
  referralAsk: (code, points) => `Geben Sie Ihren Code ${code} an Freunde weiter: Sobald deren Bestellung ankommt, erhalten Sie ${points} Punkte.`,
  referralLink: 'Ihr Empfehlungslink',
  referralPageTitle: 'Ein Geschenk von Freunden',
  referralPageIntro: (store) => `Jemand empfiehlt Ihnen ${store}. Geben Sie Ihre E-Mail-Adresse ein, um den Code für den Checkout zu erhalten.`,
  referralEmailLabel: 'Ihre E-Mail-Adresse',
  referralCheck: 'Code anzeigen',
  referralUse: (code) => `Verwenden Sie den Code ${code} im Checkout.`,
  errors: {
    title: 'Das hat nicht geklappt',
    notInOrder: 'Dieser Artikel gehört nicht zu der Bestellung dieses Links.',
    alreadyReviewed: 'Dieser Artikel wurde mit dieser Bestellung schon bewertet; eine Bewertung kann nicht zweimal gesendet werden.',
    invalid: (field, why) => `${field}: ${why}.`,
    tooLarge: (mb) => `Das Foto ist größer als ${mb} MB.`,
    notImage: 'Das Foto muss ein JPEG-, PNG- oder WebP-Bild sein.',
    ownCode: 'Das ist Ihr eigener Empfehlungscode: Er ist für Ihre Freunde.',
    unknownCode: 'Diesen Empfehlungscode gibt es nicht.',
  },
};

const fr: ReviewPageText = {
  ...en,
  reviewItems: 'Donnez votre avis sur vos articles',
  reviewIntro: 'Dites aux autres clients ce que vous pensez de chaque article. Votre avis affiche le nom que vous choisissez, ou « Achat vérifié ».',
  notReviewable: 'Cet article ne peut pas être évalué.',
  stars: (n) => `${n} étoile${n === 1 ? '' : 's'}`,
  ratingLegend: 'Votre note',
  title: 'Titre',
  text: 'Votre avis',
  displayName: 'Nom affiché (facultatif)',
  displayNameHint: 'Laissez vide pour apparaître comme « Achat vérifié ».',
  photo: 'Photo (facultative)',
  photoHint: (mb) => `JPEG, PNG ou WebP, jusqu’à ${mb} Mo. Les données de lieu et d’appareil sont supprimées.`,
  submit: 'Envoyer l’avis',
  reviewed: (s) => (s === 'published' ? 'Évalué : votre avis est publié.' : s === 'held' ? 'Évalué : votre avis paraîtra après vérification par la boutique.' : 'Évalué.'),
  thanksTitle: 'Merci pour votre avis',
  thanks: 'Merci d’avoir pris le temps.',
  published: 'Votre avis est publié.',
  held: 'Votre avis paraîtra après vérification par la boutique.',
  verifiedBuyer: 'Achat vérifié',
  verifiedPurchase: 'Achat vérifié',
  storeReply: (store) => `Réponse de ${store}`,
  productTitle: (name) => `Avis sur ${name}`,
  average: (avg, count) => `${avg} sur 5 (${count} avis)`,
  noReviews: 'Pas encore d’avis.',
  distribution: 'Notes',
  starsRow: (n) => `${n} étoile${n === 1 ? '' : 's'}`,
  newer: 'Première page',
  older: 'Plus d’avis',
  allReviews: 'Tous les avis',
  referralTitle: 'Parlez-en autour de vous',
  referralAsk: (code, points) => `Donnez votre code ${code} à un proche : dès que sa commande arrive, vous recevez ${points} points.`,
  referralLink: 'Votre lien de parrainage',
  referralPageTitle: 'Un cadeau d’un proche',
  referralPageIntro: (store) => `Un proche vous recommande ${store}. Saisissez votre e-mail pour obtenir le code à utiliser au paiement.`,
  referralEmailLabel: 'Votre e-mail',
  referralCheck: 'Obtenir le code',
  referralUse: (code) => `Utilisez le code ${code} au paiement.`,
  errors: {
    title: 'Cela n’a pas fonctionné',
    notInOrder: 'Cet article ne fait pas partie de la commande de ce lien.',
    alreadyReviewed: 'Cet article a déjà été évalué avec cette commande ; un avis ne peut pas être envoyé deux fois.',
    invalid: (field, why) => `${field} : ${why}.`,
    tooLarge: (mb) => `La photo dépasse ${mb} Mo.`,
    notImage: 'La photo doit être une image JPEG, PNG ou WebP.',
    ownCode: 'C’est votre propre code de parrainage : il est destiné à vos proches.',
    unknownCode: 'Ce code de parrainage n’existe pas.',
  },
};

export const reviewPageText: Record<Language, ReviewPageText> = { en, de, fr };
