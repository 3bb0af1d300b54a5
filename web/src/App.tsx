import { lazy, Suspense, useState } from "react";
import { AmplifyHost } from "./components/AmplifyHost.tsx";
import { ChainGuard } from "./components/ChainGuard.tsx";
import { DevAutoConnect } from "./components/DevAutoConnect.tsx";
import { ErrorBoundary } from "./components/ErrorBoundary.tsx";
import { Header } from "./components/Header.tsx";
import { Empty, Loading } from "./components/ui/States.tsx";
import { useApp } from "./config/AppContext.tsx";
import { useRoute } from "./hooks/useRoute.ts";
import { href } from "./lib/router.ts";
import { StreamPage } from "./pages/StreamPage.tsx";

// Every page but the stream (the landing page) is its own chunk, loaded on first visit.
const CampaignsPage = lazy(() =>
  import("./pages/CampaignsPage.tsx").then((m) => ({ default: m.CampaignsPage })),
);
const CampaignPage = lazy(() =>
  import("./pages/CampaignPage.tsx").then((m) => ({ default: m.CampaignPage })),
);
const CommunitiesPage = lazy(() =>
  import("./pages/CommunitiesPage.tsx").then((m) => ({ default: m.CommunitiesPage })),
);
const CommunityPage = lazy(() =>
  import("./pages/CommunityPage.tsx").then((m) => ({ default: m.CommunityPage })),
);
const ProfilePage = lazy(() => import("./pages/ProfilePage.tsx").then((m) => ({ default: m.ProfilePage })));
const RewardsPage = lazy(() => import("./pages/RewardsPage.tsx").then((m) => ({ default: m.RewardsPage })));
const PostPage = lazy(() => import("./pages/PostPage.tsx").then((m) => ({ default: m.PostPage })));
const NotificationsPage = lazy(() =>
  import("./pages/NotificationsPage.tsx").then((m) => ({ default: m.NotificationsPage })),
);
const SearchPage = lazy(() => import("./pages/SearchPage.tsx").then((m) => ({ default: m.SearchPage })));
const SettingsPage = lazy(() =>
  import("./pages/SettingsPage.tsx").then((m) => ({ default: m.SettingsPage })),
);

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
    case "campaign":
      return <CampaignPage key={route.id} id={route.id} />;
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
              <Suspense fallback={<Loading label="Loading page…" />}>
                <Page />
              </Suspense>
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
