// Whether the page shows several tenants' rows (a platform operator's global view): then tables name each
// row's tenant. One context, set by ../respond.tsx sendPage.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const ManyTenantsContext = createContext<boolean>(false);

export function useManyTenants(): boolean {
  return useContext(ManyTenantsContext);
}
