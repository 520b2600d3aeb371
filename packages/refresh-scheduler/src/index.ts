export const placeholder = 'refresh-scheduler';
