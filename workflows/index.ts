// Every workflow the hrhooks worker runs. The bundle entry point.
export { event } from './event';
export { breaker } from './breaker';
export { retention } from './retention';
