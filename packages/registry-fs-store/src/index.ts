export const placeholder = 'registry-fs-store';
