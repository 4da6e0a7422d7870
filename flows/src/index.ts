export * from './contract.js';
export * from './openapi.js';
export * from './method-hints.js';
export * from './password-rules.js';
export * from './api-client.js';
