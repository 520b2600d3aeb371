export const placeholder = 'service-map-loader';
