import type { ParticipationMessages } from './messages.js';

export const de: ParticipationMessages = {
  greeting: (name) => (name ? `Hallo ${name},` : 'Guten Tag,'),
  merchantFooter: (store) => `Von postpurchase an die Support-Adresse von ${store} gesendet.`,
  referral: {
    title: 'Empfehlen Sie uns weiter',
    ask: (code, points) => `Geben Sie Ihren Code ${code} an Freunde weiter: Sobald deren Bestellung ankommt, erhalten Sie ${points} Punkte.`,
    link: 'Ihr Empfehlungslink',
  },
  points: (balance) => `Ihre Punkte: ${balance}.`,
  reviewReward: {
    subject: (store) => `Danke für Ihre Bewertung: ein Geschenk von ${store}`,
    preheader: 'Ihr Rabattcode ist in dieser E-Mail.',
    heading: 'Danke für Ihre Bewertung',
    intro: (order) => `Danke, dass Sie sich die Zeit genommen haben, Ihre Bestellung ${order} zu bewerten. Hier ist ein Rabattcode für Ihre nächste Bestellung.`,
    codeLabel: 'Ihr Rabattcode',
    why: 'Jede Bewertung erhält dieses Dankeschön, ganz gleich, was sie sagt.',
  },
  reviewReply: {
    subject: (store) => `${store} hat auf Ihre Bewertung geantwortet`,
    preheader: 'Lesen Sie die Antwort unter Ihrer Bewertung.',
    heading: 'Sie haben eine Antwort',
    intro: (product) => `Der Shop hat auf Ihre Bewertung von ${product} geantwortet.`,
    yourReview: 'Ihre Bewertung',
    reply: (store) => `Antwort von ${store}`,
    view: 'Bewertungen ansehen',
  },
  referralReward: {
    subject: (points) => `Die Bestellung Ihrer Freunde ist angekommen: ${points} Punkte für Sie`,
    preheader: 'Danke für Ihre Empfehlung.',
    heading: 'Danke für Ihre Empfehlung',
    intro: (points) => `Jemand hat mit Ihrem Empfehlungscode bestellt, und die Bestellung ist angekommen. Sie erhalten ${points} Punkte.`,
  },
  lowRatingAlert: {
    subject: (rating, order) => `Schlechte Bewertung (${rating}/5) für Bestellung ${order}`,
    preheader: 'Jemand ist unzufrieden: bitte kümmern Sie sich darum.',
    heading: 'Jemand ist unzufrieden',
    intro: (rating, order) => `Bestellung ${order} wurde mit ${rating} von 5 bewertet. Bitte nehmen Sie Kontakt auf und halten Sie fest, was getan wurde.`,
    comment: 'Kommentar',
    noComment: 'Kein Kommentar (bisher).',
    customer: 'Kundin/Kunde',
    items: 'Artikel',
    replyToShopper: 'Antworten',
    recordOutcome: 'Antwort und Ergebnis festhalten: POST /stores/{store}/orders/{orderId}/feedback-responses',
  },
  poolLow: {
    subject: (left) => `Nur noch ${left} Rabattcodes für Bewertungen`,
    preheader: 'Laden Sie neue Codes hoch, damit Bewertende weiter ihr Dankeschön erhalten.',
    heading: 'Die Rabattcodes werden knapp',
    intro: (left) => `Es sind noch ${left} Rabattcodes für Bewertungen übrig. Ohne Codes gibt es keine Dankeschön-E-Mail.`,
    upload: 'Neue Codes hochladen: POST /stores/{store}/reward-codes',
  },
};
