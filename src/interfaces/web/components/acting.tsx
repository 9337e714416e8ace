// Whether the page's operator may act (a portal `viewer` may not): one context every action form reads, so a
// viewer's page renders no action button at all. The server refuses a viewer's POST anyway (../session.tsx).
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';

export const ActingContext = createContext<boolean>(true);

export function useCanAct(): boolean {
  return useContext(ActingContext);
}

/** Its children only for an operator who may act. */
export function IfCanAct({ children }: { children?: ComponentChildren }) {
  return useCanAct() ? <>{children}</> : null;
}
