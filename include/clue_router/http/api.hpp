#pragma once
// The v1 API: routes, authentication, and the thin handlers that turn HTTP into service
// calls and service results into HTTP.
#include <memory>

#include "clue_router/http/exchange.hpp"
#include "clue_router/http/router.hpp"
#include "clue_router/service/agency_service.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/deadline_sweeper.hpp"
#include "clue_router/service/rate_limiter.hpp"
#include "clue_router/service/review_actions.hpp"
#include "clue_router/service/screening_admin.hpp"
#include "clue_router/service/stats_service.hpp"
#include "clue_router/service/ticket_service.hpp"
#include "clue_router/service/webhook_service.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::http {

struct ApiServices {
    storage::Store& store;
    service::ApiKeys& keys;
    service::ClueService& clues;
    service::TicketService& tickets;
    service::ScreeningAdmin& screening_admin;
    service::AuditService& audit;
    service::WebhookService& webhooks;
    service::AgencyService& agencies;
    service::ReviewActions& review;
    service::DeadlineSweeper& sweeper;
    service::StatsService& stats;
};

class Api {
  public:
    // limiter: per-key rate limits, applied after authentication; nullptr for none.
    explicit Api(ApiServices services, service::RateLimiter* limiter = nullptr);

    // The server's RequestHandler.
    void handle(Request&& request, Exchange::Sink sink);

  private:
    void authenticate_and_run(const std::shared_ptr<Exchange>& ex, const RouteHandler& handler);

    ApiServices services_;
    service::RateLimiter* limiter_;
    Router router_;
};

// Route tables, one per resource (clue_routes.cpp, ticket_routes.cpp, health_routes.cpp).
void add_clue_routes(Router& router, ApiServices& services);
void add_ticket_routes(Router& router, ApiServices& services);
void add_health_routes(Router& router, ApiServices& services);
void add_admin_routes(Router& router, ApiServices& services);
void add_key_routes(Router& router, ApiServices& services);
void add_audit_routes(Router& router, ApiServices& services);
void add_webhook_routes(Router& router, ApiServices& services);
void add_agency_routes(Router& router, ApiServices& services);
void add_review_routes(Router& router, ApiServices& services);
void add_stats_routes(Router& router, ApiServices& services);

}  // namespace clue_router::http
