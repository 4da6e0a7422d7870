import type englishMessages from '../en/messages.json';

/** The SMS and e-mail templates of one language; every language has English's keys and variables. */
export type MessageResources = typeof englishMessages;
