export const placeholder = 'tool-registry';
