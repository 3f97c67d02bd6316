#include "clue_router/http/api.hpp"

#include <boost/beast/core/string.hpp>

#include "clue_router/http/client_address.hpp"
#include "clue_router/http/console_routes.hpp"
#include "clue_router/http/handler_support.hpp"
#include "clue_router/http/session_cookie.hpp"

#include "clue_router/service/clock.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::http {

Api::Api(ApiServices services, ApiOptions options)
    : services_(services), options_(std::move(options)) {
    add_health_routes(router_, services_);
    add_clue_routes(router_, services_);
    add_ticket_routes(router_, services_);
    add_admin_routes(router_, services_);
    add_key_routes(router_, services_);
    add_audit_routes(router_, services_);
    add_webhook_routes(router_, services_, options_);
    add_agency_routes(router_, services_);
    add_review_routes(router_, services_);
    add_stats_routes(router_, services_);
    add_case_routes(router_, services_);
    add_people_routes(router_, services_);
    add_session_routes(router_, services_, options_);
    add_openapi_routes(router_);
}

std::optional<std::size_t> Api::body_limit(beast_http::verb method, std::string_view target) const {
    const auto parsed = parse_target(target);
    if (!parsed) return std::nullopt;
    const auto match = router_.match(method, parsed->segments);
    const auto* found = std::get_if<Router::Found>(&match);
    if (found == nullptr || found->options->max_body_bytes == 0) return std::nullopt;
    return found->options->max_body_bytes;
}

bool Api::admit_address(Exchange& ex) const {
    return options_.address_limiter == nullptr ||
           admit_client_address(ex, *options_.address_limiter);
}

void Api::handle(Request&& request, const domain::IpAddress& peer, Exchange::Sink sink) {
    auto ex = std::make_shared<Exchange>(
        std::move(request), service::new_uuid_v7(service::SystemClock{}.now()), std::move(sink));
    ex->set_client_address(client_address(peer, ex->request(), options_.trusted_proxies));
    auto target = parse_target(ex->request().target());
    if (!target) {
        ex->reply_problem(bad_request("the request target is not a valid path and query"));
        return;
    }
    ex->set_target(std::move(*target));
    if (is_console_path(ex->target().path)) {
        reply_console(*ex, options_.console.get());
        return;
    }
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
        // No key to count against: the client address pays, before any work is done.
        if (!admit_address(*ex)) return;
        (*found.handler)(ex);
        return;
    }
    authenticate_and_run(ex, *found.handler, *found.options);
}

void Api::authenticate_and_run(const std::shared_ptr<Exchange>& ex, const RouteHandler& handler,
                               const RouteOptions& route) {
    const std::string_view header = ex->request()[beast_http::field::authorization];
    constexpr std::string_view kScheme = "Bearer ";
    // A request without a valid key has no bucket of its own: its address pays, so guessing
    // keys is as slow as any other unauthenticated flood.
    const auto refuse = [&](std::string detail) {
        if (admit_address(*ex)) ex->reply_problem(unauthenticated(std::move(detail)));
    };
    if (header.empty()) {
        // No key: a person's session cookie, if she sent one.
        const auto cookie = cookie_value(ex->request()[beast_http::field::cookie],
                                         session_cookie_name(options_.secure_cookies));
        if (!cookie) return refuse("send Authorization: Bearer <key>, or sign in");
        if (!authenticate_session(ex, *cookie, route)) return;
        return run_limited(ex, handler);
    }
    if (header.size() <= kScheme.size() ||
        !boost::beast::iequals(header.substr(0, kScheme.size()), kScheme)) {
        return refuse("the Authorization scheme must be Bearer");
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
    if (!actor) return refuse("the key is unknown, expired or revoked");
    actor->request_id = ex->request_id();
    ex->set_actor(std::move(*actor));
    run_limited(ex, handler);
}

bool Api::authenticate_session(const std::shared_ptr<Exchange>& ex, std::string_view token,
                               const RouteOptions& route) {
    std::optional<service::SessionActor> session;
    try {
        auto reader = services_.store.reader();
        session = services_.sessions.authenticate(*reader, token);
    } catch (const storage::StorageError&) {
        reply_error(*ex,
                    service::error(service::ErrorKind::unavailable, "the database is unavailable"));
        return false;
    }
    if (!session) {
        if (admit_address(*ex)) {
            ex->reply_problem(unauthenticated("the session has ended; sign in again"));
        }
        return false;
    }
    if (is_unsafe_method(ex->request().method())) {
        // A cookie goes with every request the browser makes, whoever's page asks for it: a
        // change needs proof that the page is ours (its Origin) and read our reply (the token).
        const auto& req = ex->request();
        if (!same_origin(req[beast_http::field::origin], req[beast_http::field::host],
                         options_.secure_cookies, options_.public_origin)) {
            ex->reply_problem(to_problem(service::error(
                service::ErrorKind::forbidden,
                "a change made with a session cookie must come from the service's own origin")));
            return false;
        }
        if (!csrf_token_matches(req["X-CSRF-Token"], service::csrf_token_for(token))) {
            ex->reply_problem(to_problem(service::error(
                service::ErrorKind::forbidden,
                "a change made with a session cookie needs the session's X-CSRF-Token")));
            return false;
        }
    }
    if (session->enrolment_required && !route.open_during_enrolment) {
        ex->reply_problem(second_factor_enrolment_required());
        return false;
    }
    session->actor.request_id = ex->request_id();
    ex->set_actor(std::move(session->actor));
    ex->set_session_token(std::string(token));
    return true;
}

void Api::run_limited(const std::shared_ptr<Exchange>& ex, const RouteHandler& handler) {
    if (options_.key_limiter != nullptr) {
        const auto decision =
            options_.key_limiter->take(ex->actor().key_id, service::RateLimiter::Clock::now());
        if (!decision.allowed) {
            ex->reply_problem(too_many_requests(decision.retry_after_seconds));
            return;
        }
    }
    handler(ex);
}

}  // namespace clue_router::http
