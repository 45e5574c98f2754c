import type { Language } from '../../i18n/locale.js';
import { de } from './de.js';
import { en } from './en.js';
import { fr } from './fr.js';
import type { PageMessages } from './messages.js';

export type { PageMessages } from './messages.js';
export const pageMessages: Record<Language, PageMessages> = { en, de, fr };
