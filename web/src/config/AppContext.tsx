import { createContext, type ReactNode, useContext, useMemo } from "react";
import { AmpError } from "#protocol";
import { createGraphQLClient, type GraphQLClient } from "../lib/graphql/client.ts";
import type { MessageContext } from "../lib/messages.ts";
import type { StoredSession } from "../lib/session/sessionStore.ts";
import type { AppConfig } from "./appConfig.ts";

export interface AppServices {
  app: AppConfig;
  gql: GraphQLClient;
  msgCtx: MessageContext;
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  inflightSessions: Map<string, Promise<StoredSession>>;
}

const AppContext = createContext<AppServices | null>(null);

export function AppProvider(props: {
  app: AppConfig;
  gql?: GraphQLClient;
  storage?: AppServices["storage"];
  children: ReactNode;
}) {
  const { app, gql, storage, children } = props;
  const value = useMemo<AppServices>(
    () => ({
      app,
      gql: gql ?? createGraphQLClient(app.graphqlUrl),
      msgCtx: { chainId: app.chainId, social: app.contracts.social },
      storage: storage ?? globalThis.localStorage,
      inflightSessions: new Map(),
    }),
    [app, gql, storage],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const value = useContext(AppContext);
  if (!value) throw new AmpError("APP_CONTEXT_MISSING", "useApp must be used inside <AppProvider>");
  return value;
}
