import { useState } from "react";
import { AmplifyHost } from "./components/AmplifyHost.tsx";
import { ChainGuard } from "./components/ChainGuard.tsx";
import { DevAutoConnect } from "./components/DevAutoConnect.tsx";
import { ErrorBoundary } from "./components/ErrorBoundary.tsx";
import { Header } from "./components/Header.tsx";
import { Empty } from "./components/ui/States.tsx";
import { useApp } from "./config/AppContext.tsx";
import { useRoute } from "./hooks/useRoute.ts";
import { href } from "./lib/router.ts";
import { CampaignsPage } from "./pages/CampaignsPage.tsx";
import { CommunitiesPage } from "./pages/CommunitiesPage.tsx";
import { CommunityPage } from "./pages/CommunityPage.tsx";
import { NotificationsPage } from "./pages/NotificationsPage.tsx";
import { PostPage } from "./pages/PostPage.tsx";
import { ProfilePage } from "./pages/ProfilePage.tsx";
import { RewardsPage } from "./pages/RewardsPage.tsx";
import { SearchPage } from "./pages/SearchPage.tsx";
import { SettingsPage } from "./pages/SettingsPage.tsx";
import { StreamPage } from "./pages/StreamPage.tsx";

function Page() {
  const route = useRoute();
  const [community, setCommunity] = useState<string | null>(null);
  switch (route.name) {
    case "stream":
      return <StreamPage community={community} onCommunity={setCommunity} />;
    case "communities":
      return <CommunitiesPage />;
    case "community":
      return <CommunityPage key={route.id} id={route.id} />;
    case "profile":
      return <ProfilePage key={route.address} address={route.address} />;
    case "rewards":
      return <RewardsPage />;
    case "campaigns":
      return <CampaignsPage />;
    case "settings":
      return <SettingsPage />;
    case "post":
      return <PostPage key={route.id} id={route.id} />;
    case "notifications":
      return <NotificationsPage />;
    case "search":
      return <SearchPage query={route.query} kind={route.kind} />;
    case "notFound":
      return (
        <Empty title="Page not found">
          <a href={href({ name: "stream", community: null })}>Back to the stream</a>
        </Empty>
      );
  }
}

export function App() {
  const route = useRoute();
  const { app } = useApp();
  return (
    <div className="app">
      <a href="#main" className="sr-only">
        Skip to content
      </a>
      <DevAutoConnect />
      <Header route={route} />
      <ChainGuard />
      <main id="main" className="main">
        <div className="container">
          <ErrorBoundary resetKey={window.location.hash}>
            <AmplifyHost>
              <Page />
            </AmplifyHost>
          </ErrorBoundary>
        </div>
      </main>
      <footer className="footer">
        <div className="container row-between">
          <span>AMP · chain {app.chainId}</span>
          <span className="mono">{app.graphqlUrl}</span>
        </div>
      </footer>
    </div>
  );
}
