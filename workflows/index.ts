// Every workflow the hrhooks worker runs. The bundle entry point.
export { delivery } from './delivery';
