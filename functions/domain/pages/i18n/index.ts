import type { Language } from '../../i18n/locale.js';
import { de, deTrack } from './de.js';
import { en, enTrack } from './en.js';
import { fr, frTrack } from './fr.js';
import type { PageMessages, TrackPageMessages } from './messages.js';

export type { PageMessages, TrackPageMessages } from './messages.js';
export const pageMessages: Record<Language, PageMessages> = { en, de, fr };
export const trackPageMessages: Record<Language, TrackPageMessages> = { en: enTrack, de: deTrack, fr: frTrack };
