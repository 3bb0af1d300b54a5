import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { type Config, WagmiProvider } from "wagmi";
import { connect } from "wagmi/actions";
import { AppProvider } from "../config/AppContext.tsx";
import type { AppConfig } from "../config/appConfig.ts";
import { createWagmiConfig } from "../config/wagmi.ts";
import type { GraphQLClient } from "../lib/graphql/client.ts";

export const testApp: AppConfig = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:1",
  graphqlUrl: "http://127.0.0.1:1/graphql",
  contracts: {
    token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    social: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    escrow: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e8",
  },
  dwellMs: 3000,
};

export interface RecordedRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** An in-memory GraphQL endpoint: answers by operation name (camelCase key) and records every request. */
export function fakeGraphQL(handlers: Record<string, (vars: Record<string, unknown>) => unknown>) {
  const requests: RecordedRequest[] = [];
  const client: GraphQLClient = {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      requests.push({ query, variables });
      const name = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "";
      const handler = handlers[name.charAt(0).toLowerCase() + name.slice(1)];
      if (!handler) throw new Error(`no fake for ${name}`);
      return (await handler(variables)) as T;
    },
  };
  return { client, requests };
}

export function memoryStorage(): Pick<Storage, "getItem" | "setItem" | "removeItem"> & {
  map: Map<string, string>;
} {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

export function Providers({
  gql,
  wagmiConfig = createWagmiConfig(testApp),
  children,
}: {
  gql: GraphQLClient;
  wagmiConfig?: Config;
  children: ReactNode;
}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <WagmiProvider config={wagmiConfig}>
      <QueryClientProvider client={queryClient}>
        <AppProvider app={testApp} gql={gql} storage={memoryStorage()}>
          {children}
        </AppProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}

/** Renders `ui` inside the app's providers with the dev wallet connected as dev account `index`. */
export async function renderConnected(gql: GraphQLClient, index: number, ui: ReactNode) {
  const wagmiConfig = createWagmiConfig(testApp);
  const dev = wagmiConfig.connectors[0] as (typeof wagmiConfig.connectors)[number] & {
    setAccountIndex(i: number): Promise<void>;
  };
  await dev.setAccountIndex(index);
  await connect(wagmiConfig, { connector: dev });
  return render(
    <Providers gql={gql} wagmiConfig={wagmiConfig}>
      {ui}
    </Providers>,
  );
}

/** Stands in for the browser's IntersectionObserver; tests drive visibility by hand. */
export class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  readonly elements = new Set<Element>();
  constructor(readonly callback: IntersectionObserverCallback) {
    FakeIntersectionObserver.instances.push(this);
  }
  observe(el: Element) {
    this.elements.add(el);
  }
  unobserve(el: Element) {
    this.elements.delete(el);
  }
  disconnect() {
    this.elements.clear();
  }
  takeRecords() {
    return [];
  }
  /** Reports `ratio` visibility for every observed element matching `predicate`. */
  static show(predicate: (el: Element) => boolean, ratio: number) {
    for (const io of FakeIntersectionObserver.instances) {
      const entries = [...io.elements]
        .filter(predicate)
        .map(
          (target) =>
            ({ target, intersectionRatio: ratio, isIntersecting: ratio > 0 }) as IntersectionObserverEntry,
        );
      if (entries.length) io.callback(entries, io as unknown as IntersectionObserver);
    }
  }
}
