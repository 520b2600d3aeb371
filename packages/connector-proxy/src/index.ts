export const placeholder = 'connector-proxy';
