#pragma once
// The v1 API: routes, authentication, and the thin handlers that turn HTTP into service
// calls and service results into HTTP.
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "clue_router/domain/ip_address.hpp"
#include "clue_router/http/exchange.hpp"
#include "clue_router/http/router.hpp"
#include "clue_router/service/address_rate_limiter.hpp"
#include "clue_router/service/agency_service.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_service.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/deadline_sweeper.hpp"
#include "clue_router/service/people.hpp"
#include "clue_router/service/rate_limiter.hpp"
#include "clue_router/service/review_actions.hpp"
#include "clue_router/service/screening_admin.hpp"
#include "clue_router/service/sessions.hpp"
#include "clue_router/service/stats_service.hpp"
#include "clue_router/service/ticket_service.hpp"
#include "clue_router/service/ticket_work.hpp"
#include "clue_router/service/webhook_service.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::http {

class ConsoleAssets;

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
    service::CaseService& cases;
    service::TicketWork& work;
    service::PeopleService& people;
    service::Sessions& sessions;
};

struct ApiOptions {
    // Per-key rate limits, applied after authentication; nullptr for none.
    service::RateLimiter* key_limiter = nullptr;
    // Per client address, for what has no key to count against: public routes (inbound
    // webhooks, health) and requests whose key is missing or fails. nullptr for none.
    service::AddressRateLimiter* address_limiter = nullptr;
    // Peers (a TLS-terminating proxy) whose X-Forwarded-For names the client.
    std::vector<domain::IpNetwork> trusted_proxies;
    // Inbound webhook bodies are small transitions; larger ones are refused before reading.
    std::size_t hook_max_body_bytes = 64 * 1024;
    // Session cookies (issue 15): Secure and __Host- when the service is reached over TLS
    // (its own, or a proxy's: public_origin starting with https://).
    bool secure_cookies = false;
    // The origin browsers reach the service by (https://router.example.org); empty: the
    // request's Host with the scheme the service itself serves.
    std::string public_origin;
    // The staff console's build (console_dir), served at /console/; nullptr: not installed.
    std::shared_ptr<const ConsoleAssets> console;
};

class Api {
  public:
    explicit Api(ApiServices services, ApiOptions options = {});

    // The server's RequestHandler; peer is the connection's remote address.
    void handle(Request&& request, const domain::IpAddress& peer, Exchange::Sink sink);

    // The body limit of the route a request header names when it is smaller than the
    // server's (ServerOptions::body_limit_for); nullopt otherwise.
    std::optional<std::size_t> body_limit(beast_http::verb method, std::string_view target) const;

  private:
    void authenticate_and_run(const std::shared_ptr<Exchange>& ex, const RouteHandler& handler,
                              const RouteOptions& route);
    // Takes a token of the client address's bucket; false after replying 429.
    bool admit_address(Exchange& ex) const;
    // The session cookie's person, after the CSRF checks for unsafe methods; false after
    // replying.
    // The actor's token bucket (429), then the handler.
    void run_limited(const std::shared_ptr<Exchange>& ex, const RouteHandler& handler);
    bool authenticate_session(const std::shared_ptr<Exchange>& ex, std::string_view token,
                              const RouteOptions& route);

    ApiServices services_;
    ApiOptions options_;
    Router router_;
};

// Route tables, one per resource (clue_routes.cpp, ticket_routes.cpp, health_routes.cpp).
void add_clue_routes(Router& router, ApiServices& services);
void add_ticket_routes(Router& router, ApiServices& services);
void add_health_routes(Router& router, ApiServices& services);
void add_admin_routes(Router& router, ApiServices& services);
void add_key_routes(Router& router, ApiServices& services);
void add_audit_routes(Router& router, ApiServices& services);
void add_webhook_routes(Router& router, ApiServices& services, const ApiOptions& options);
void add_agency_routes(Router& router, ApiServices& services);
void add_review_routes(Router& router, ApiServices& services);
void add_stats_routes(Router& router, ApiServices& services);
void add_case_routes(Router& router, ApiServices& services);
void add_people_routes(Router& router, ApiServices& services);
void add_session_routes(Router& router, ApiServices& services, const ApiOptions& options);
void add_openapi_routes(Router& router);

}  // namespace clue_router::http
