import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { AmpError } from "#protocol";
import { App } from "./App.tsx";
import { AppProvider } from "./config/AppContext.tsx";
import { type AppConfig, loadAppConfig } from "./config/appConfig.ts";
import { createWagmiConfig } from "./config/wagmi.ts";
import "./styles.css";

function Root({ app }: { app: AppConfig }) {
  const [wagmiConfig] = useState(() => createWagmiConfig(app));
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 5_000 } },
      }),
  );
  return (
    <WagmiProvider config={wagmiConfig}>
      <QueryClientProvider client={queryClient}>
        <AppProvider app={app}>
          <App />
        </AppProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}

function ConfigFailure({ error }: { error: unknown }) {
  return (
    <div className="container main">
      <div className="card stack" role="alert" data-testid="config-error">
        <h1>AMP cannot start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        <p className="muted small">
          The app reads its network from <code>/deployment.json</code>. Start the local network first, or see
          web/README.md.
        </p>
      </div>
    </div>
  );
}

const container = document.getElementById("root");
if (!container) throw new AmpError("APP_ROOT_MISSING", "#root is missing");
const root = createRoot(container);
root.render(
  <div className="state" role="status">
    <span className="spinner" aria-hidden="true" /> Loading AMP…
  </div>,
);
loadAppConfig()
  .then((app) =>
    root.render(
      <StrictMode>
        <Root app={app} />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => root.render(<ConfigFailure error={error} />));
