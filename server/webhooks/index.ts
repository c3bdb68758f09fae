export { WebhookDispatcher, RETRY_SCHEDULE_MS, type DispatcherOptions, type WebhookDeps } from './dispatcher';
export { subscribeWebhooks } from './subscribe';
export { createEndpoint, listEndpoints, deleteEndpoint, endpointLog, sendTestEvent, WEBHOOK_EVENTS, type WebhookEvent, type EndpointView } from './endpoints';
export { sign, verify, signedHeaders } from './signing';
