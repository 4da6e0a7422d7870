export * from './contract.js';
export * from './openapi.js';
