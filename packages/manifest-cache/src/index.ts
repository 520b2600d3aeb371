export const placeholder = 'manifest-cache';
