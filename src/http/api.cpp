#include "clue_router/http/api.hpp"

#include <boost/beast/core/string.hpp>

#include "clue_router/http/handler_support.hpp"

#include "clue_router/service/clock.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::http {

Api::Api(ApiServices services, service::RateLimiter* limiter)
    : services_(services), limiter_(limiter) {
    add_health_routes(router_, services_);
    add_clue_routes(router_, services_);
    add_ticket_routes(router_, services_);
    add_admin_routes(router_, services_);
    add_key_routes(router_, services_);
    add_audit_routes(router_, services_);
    add_webhook_routes(router_, services_);
    add_agency_routes(router_, services_);
    add_review_routes(router_, services_);
    add_stats_routes(router_, services_);
}

void Api::handle(Request&& request, Exchange::Sink sink) {
    auto ex = std::make_shared<Exchange>(
        std::move(request), service::new_uuid_v7(service::SystemClock{}.now()), std::move(sink));
    auto target = parse_target(ex->request().target());
    if (!target) {
        ex->reply_problem(bad_request("the request target is not a valid path and query"));
        return;
    }
    ex->set_target(std::move(*target));
    auto match = router_.match(ex->request().method(), ex->target().segments);
    if (std::holds_alternative<Router::NoSuchPath>(match)) {
        ex->reply_problem(not_found());
        return;
    }
    if (auto* m = std::get_if<Router::MethodNotAllowed>(&match)) {
        ex->reply_problem(method_not_allowed(m->allow));
        return;
    }
    auto& found = std::get<Router::Found>(match);
    ex->set_route(*found.pattern, std::move(found.params));
    if (found.options->public_route) {
        (*found.handler)(ex);
        return;
    }
    authenticate_and_run(ex, *found.handler);
}

void Api::authenticate_and_run(const std::shared_ptr<Exchange>& ex, const RouteHandler& handler) {
    const std::string_view header = ex->request()[beast_http::field::authorization];
    constexpr std::string_view kScheme = "Bearer ";
    if (header.empty()) {
        ex->reply_problem(unauthenticated("send Authorization: Bearer <key>"));
        return;
    }
    if (header.size() <= kScheme.size() ||
        !boost::beast::iequals(header.substr(0, kScheme.size()), kScheme)) {
        ex->reply_problem(unauthenticated("the Authorization scheme must be Bearer"));
        return;
    }
    std::optional<service::Actor> actor;
    try {
        auto reader = services_.store.reader();
        actor = services_.keys.authenticate(*reader, header.substr(kScheme.size()));
    } catch (const storage::StorageError&) {
        reply_error(*ex,
                    service::error(service::ErrorKind::unavailable, "the database is unavailable"));
        return;
    }
    if (!actor) {
        ex->reply_problem(unauthenticated("the key is unknown, expired or revoked"));
        return;
    }
    actor->request_id = ex->request_id();
    ex->set_actor(std::move(*actor));
    if (limiter_ != nullptr) {
        const auto decision =
            limiter_->take(ex->actor().key_id, service::RateLimiter::Clock::now());
        if (!decision.allowed) {
            ex->reply_problem(too_many_requests(decision.retry_after_seconds));
            return;
        }
    }
    handler(ex);
}

}  // namespace clue_router::http
