import type { ParticipationMessages } from './messages.js';

export const fr: ParticipationMessages = {
  greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  merchantFooter: (store) => `Envoyé par postpurchase à l’adresse d’assistance de ${store}.`,
  referral: {
    title: 'Parlez-en autour de vous',
    ask: (code, points) => `Donnez votre code ${code} à un proche : dès que sa commande arrive, vous recevez ${points} points.`,
    link: 'Votre lien de parrainage',
  },
  points: (balance) => `Vos points : ${balance}.`,
  reviewReward: {
    subject: (store) => `Merci pour votre avis : un cadeau de ${store}`,
    preheader: 'Votre code de réduction est à l’intérieur.',
    heading: 'Merci pour votre avis',
    intro: (order) => `Merci d’avoir pris le temps de donner votre avis sur votre commande ${order}. Voici un code de réduction pour votre prochaine commande.`,
    codeLabel: 'Votre code de réduction',
    why: 'Chaque avis reçoit ce remerciement, quel que soit son contenu.',
  },
  reviewReply: {
    subject: (store) => `${store} a répondu à votre avis`,
    preheader: 'Lisez la réponse sous votre avis.',
    heading: 'Vous avez une réponse',
    intro: (product) => `La boutique a répondu à votre avis sur ${product}.`,
    yourReview: 'Votre avis',
    reply: (store) => `Réponse de ${store}`,
    view: 'Voir les avis',
  },
  referralReward: {
    subject: (points) => `La commande de votre proche est arrivée : ${points} points pour vous`,
    preheader: 'Merci de nous avoir recommandés.',
    heading: 'Merci de nous avoir recommandés',
    intro: (points) => `Un proche a commandé avec votre code de parrainage, et sa commande est arrivée. Vous recevez ${points} points.`,
  },
  lowRatingAlert: {
    subject: (rating, order) => `Note basse (${rating}/5) pour la commande ${order}`,
    preheader: 'Un client est mécontent : merci de le recontacter.',
    heading: 'Un client est mécontent',
    intro: (rating, order) => `La commande ${order} a reçu la note de ${rating} sur 5. Merci de contacter le client et de noter ce qui a été fait.`,
    comment: 'Commentaire',
    noComment: 'Pas de commentaire (pour l’instant).',
    customer: 'Client',
    items: 'Articles',
    replyToShopper: 'Répondre au client',
    recordOutcome: 'Noter la réponse et le résultat : POST /stores/{store}/orders/{orderId}/feedback-responses',
  },
  poolLow: {
    subject: (left) => `Plus que ${left} codes de remerciement pour les avis`,
    preheader: 'Ajoutez des codes pour que les auteurs d’avis continuent de recevoir leur remerciement.',
    heading: 'Les codes de remerciement s’épuisent',
    intro: (left) => `Il reste ${left} codes de réduction pour les avis. Sans code, aucun e-mail de remerciement n’est envoyé.`,
    upload: 'Ajouter des codes : POST /stores/{store}/reward-codes',
  },
};
