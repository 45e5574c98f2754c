import type { PageMessages, TrackPageMessages } from './messages.js';

// French puts a no-break space before ":", "?" and "!"; U+00A0 keeps it from wrapping alone.
const nb = '\u00a0';

export const frTrack: TrackPageMessages = {
  track: {
    placedOn: (date) => `Passée le ${date}`,
    status: 'Statut',
    statuses: {
      awaiting_order: 'En cours de traitement',
      placed: 'Commande reçue',
      partially_shipped: 'Partiellement expédiée',
      shipped: 'Expédiée',
      delivered: 'Livrée',
      cancelled: 'Annulée',
    },
    delayOther: 'Votre commande prend plus de temps que prévu.',
    cancelledNotice: 'Cette commande a été annulée.',
    timeline: 'Historique de la commande',
    events: {
      placed: 'Commande passée',
      updated: 'Commande mise à jour',
      label_printed: 'Étiquette d’expédition créée',
      shipped: 'Colis expédié',
      in_transit: 'En transit',
      out_for_delivery: 'En cours de livraison',
      attempted_delivery: 'Tentative de livraison',
      delivered: 'Livré',
      delivery_failure: 'Problème de livraison',
      delayed: 'Retard signalé',
      cancelled: 'Commande annulée',
      refunded: 'Remboursement effectué',
      edited: 'Commande modifiée',
      pickup_ready: 'Prête à être retirée',
      picked_up: 'Retirée',
      tracking_updated: 'Informations de suivi mises à jour',
    },
    delayNoticeSent: 'Avis de retard envoyé',
    delayNoticeDetail: (missed, next) => `Prévu pour le ${missed}${nb}; nouvelle estimation${nb}: ${next}.`,
    shipmentRef: (n) => `Colis ${n}`,
    shipments: 'Colis',
    shipmentOf: (n, total) => `Colis ${n} sur ${total}`,
    shipmentStatus: 'Statut',
    items: 'Articles',
    noShipmentsYet: 'Rien n’a encore été expédié. Nous vous écrirons dès que ce sera le cas.',
  },
  lookup: {
    title: 'Suivre votre commande',
    intro: 'Saisissez votre numéro de commande et l’adresse e-mail utilisée lors de votre achat.',
    orderNumber: 'Numéro de commande',
    orderNumberHint: `Par exemple #1001${nb}: il figure dans l’e-mail de confirmation de votre commande.`,
    email: 'Adresse e-mail',
    store: 'Boutique',
    submit: 'Trouver ma commande',
    notFound:
      'Nous n’avons trouvé aucune commande correspondant à ce numéro et à cette adresse e-mail. Vérifiez-les et réessayez.',
    incomplete: 'Veuillez saisir votre numéro de commande et votre adresse e-mail.',
  },
};

export const fr: PageMessages = {
  feedback: {
    title: 'Merci pour votre avis',
    ratingLabel: (n) => `${n} étoile${n > 1 ? 's' : ''} sur 5`,
    recorded: (n, order) =>
      order ? `Vous avez attribué la note de ${n} sur 5 à la commande ${order}.` : `Vous avez attribué la note de ${n} sur 5 à votre commande.`,
    alreadyRecorded: (n, order) =>
      `Vous avez déjà attribué la note de ${n} sur 5 à ${order ? `la commande ${order}` : 'cette commande'}. Seule la première note compte.`,
    commentLabel: `Souhaitez-vous nous en dire plus${nb}? (facultatif)`,
    commentHint: (max) => `Jusqu’à ${max.toLocaleString('fr')} caractères.`,
    submit: 'Envoyer le commentaire',
    commentThanks: `Merci${nb}! Nous avons bien reçu votre commentaire.`,
    alreadyCommented: `Nous avons déjà reçu un commentaire pour cette commande. Merci${nb}!`,
    commentEmpty: 'Veuillez écrire un commentaire avant de l’envoyer.',
    commentTooLong: (max) => `Votre commentaire dépasse ${max.toLocaleString('fr')} caractères. Veuillez le raccourcir.`,
    notRated: 'Veuillez d’abord noter votre commande avec l’une des étoiles de votre e-mail.',
  },
  unsubscribe: {
    title: 'Se désabonner',
    confirm: (email, store) => `Ne plus envoyer les e-mails d’avis de ${store} à ${email}${nb}?`,
    stillTransactional: 'Vous continuerez à recevoir les e-mails concernant vos commandes, comme les confirmations et les informations d’expédition.',
    button: 'Me désabonner',
    doneTitle: 'Votre désabonnement est confirmé',
    done: (email, store) => `${email} ne recevra plus les e-mails d’avis de ${store}.`,
  },
  errors: {
    forbiddenTitle: 'Ce lien n’est pas valide',
    forbidden: 'Le lien est peut-être incomplet ou mal recopié. Veuillez l’ouvrir à nouveau depuis votre e-mail.',
    badRequestTitle: 'Cette requête n’est pas valide',
    badRating: 'Veuillez choisir une note de 1 à 5.',
    notFoundTitle: 'Page introuvable',
    notFound: 'Il n’y a aucune page à cette adresse.',
    orderGoneTitle: 'Commande indisponible',
    orderGone: 'Nous ne pouvons plus afficher cette commande. Pour toute question à son sujet, contactez-nous.',
    serverErrorTitle: 'Une erreur s’est produite',
    serverError: 'Veuillez réessayer dans quelques minutes.',
  },
};
