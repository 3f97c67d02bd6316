// Signing in and out (issue 15): POST /v1/sessions (public: nobody is signed in yet; the
// client address pays into its bucket, and the sign-in throttle judges), GET and DELETE
// /v1/sessions/current (the session cookie's person), and enrolling the second factor
// (POST /v1/sessions/current/totp and …/confirm).
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"
#include "clue_router/http/session_cookie.hpp"

namespace clue_router::http {

namespace {

void reply_signed_in(Exchange& ex, const service::SignedIn& s, const ApiOptions& options,
                     std::chrono::seconds lifetime) {
    const std::string csrf = service::csrf_token_for(s.token);
    const service::SessionActor view{
        {}, s.session, s.person, s.second_factor_required, s.enrolment_required};
    Response res{beast_http::status::created, ex.request().version()};
    res.set(beast_http::field::content_type, "application/json");
    res.set(beast_http::field::cache_control, "no-store");
    res.set(beast_http::field::set_cookie,
            session_cookie(s.token, options.secure_cookies, lifetime));
    res.body() = service::to_json(view, csrf).dump();
    ex.reply(std::move(res));
}

void reply_json_result(Exchange& ex, const service::Result<nlohmann::json>& result) {
    if (!result) return reply_error(ex, result.error());
    Response res{beast_http::status::ok, ex.request().version()};
    res.set(beast_http::field::content_type, "application/json");
    // The key and the recovery codes are shown once and must not be kept by any cache.
    res.set(beast_http::field::cache_control, "no-store");
    res.body() = result->dump();
    ex.reply(std::move(res));
}

// Enrolling her second factor: open to a session that may do nothing else yet.
void add_second_factor_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::post, "/v1/sessions/current/totp",
               {.max_body_bytes = 1024, .open_during_enrolment = true},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   services.sessions.second_factor().begin(
                       ex->actor(), [ex](service::Result<nlohmann::json> result) {
                           reply_json_result(*ex, result);
                       });
               });
    router.add(beast_http::verb::post, "/v1/sessions/current/totp/confirm",
               {.max_body_bytes = 1024, .open_during_enrolment = true},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   services.sessions.second_factor().confirm(
                       ex->actor(), *body, [ex](service::Result<nlohmann::json> result) {
                           reply_json_result(*ex, result);
                       });
               });
}

}  // namespace

void add_session_routes(Router& router, ApiServices& services, const ApiOptions& options) {
    router.add(
        beast_http::verb::post, "/v1/sessions", {.public_route = true, .max_body_bytes = 4096},
        [&services, &options](const std::shared_ptr<Exchange>& ex) {
            if (!accept_query(*ex, {})) return;
            // A browser's sign-in form posts with its Origin: a foreign page must not sign
            // anyone in (login CSRF). Systems without an Origin may sign in.
            const auto origin = ex->request()[beast_http::field::origin];
            if (!origin.empty() && !same_origin(origin, ex->request()[beast_http::field::host],
                                                options.secure_cookies, options.public_origin)) {
                return reply_error(*ex, service::error(service::ErrorKind::forbidden,
                                                       "sign in from the service's own origin"));
            }
            auto body = read_json_object(*ex);
            if (!body) return;
            const auto lifetime = services.sessions.options().lifetime;
            services.sessions.sign_in(
                *body, ex->client_address().to_string(), ex->request_id(),
                [ex, &options, lifetime](service::Result<service::SignInOutcome> result) {
                    if (!result) return reply_error(*ex, result.error());
                    if (auto* s = std::get_if<service::SignedIn>(&*result)) {
                        return reply_signed_in(*ex, *s, options, lifetime);
                    }
                    if (std::holds_alternative<service::SecondFactorNeeded>(*result)) {
                        return ex->reply_problem(second_factor_required());
                    }
                    if (auto* t = std::get_if<service::SignInThrottled>(&*result)) {
                        Problem p = too_many_requests(static_cast<int>(t->retry_after.count()));
                        p.title = "Too many failed sign-ins";
                        p.detail = "too many failed sign-ins; wait before trying again";
                        return ex->reply_problem(p);
                    }
                    Problem p = unauthenticated(
                        "the username or password is wrong, or the account cannot sign in");
                    p.title = "Sign-in refused";
                    ex->reply_problem(p);
                });
        });
    router.add(
        beast_http::verb::get, "/v1/sessions/current", {.open_during_enrolment = true},
        [&services](const std::shared_ptr<Exchange>& ex) {
            if (!accept_query(*ex, {})) return;
            if (ex->session_token().empty()) {
                return reply_error(*ex,
                                   service::error(service::ErrorKind::not_found,
                                                  "no session: this request is made with a key"));
            }
            std::optional<service::SessionActor> session;
            try {
                session =
                    services.sessions.authenticate(*services.store.reader(), ex->session_token());
            } catch (const storage::StorageError&) {
                return reply_error(*ex, service::error(service::ErrorKind::unavailable,
                                                       "the database is unavailable"));
            }
            if (!session) {
                return ex->reply_problem(unauthenticated("the session has ended"));
            }
            Response res{beast_http::status::ok, ex->request().version()};
            res.set(beast_http::field::content_type, "application/json");
            res.set(beast_http::field::cache_control, "no-store");
            res.body() =
                service::to_json(*session, service::csrf_token_for(ex->session_token())).dump();
            ex->reply(std::move(res));
        });
    router.add(beast_http::verb::delete_, "/v1/sessions/current", {.open_during_enrolment = true},
               [&services, &options](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   if (ex->session_token().empty()) {
                       return reply_error(
                           *ex, service::error(service::ErrorKind::not_found,
                                               "no session: this request is made with a key"));
                   }
                   services.sessions.sign_out(
                       ex->actor(), ex->session_token(),
                       [ex, &options](service::Result<bool> result) {
                           if (!result) return reply_error(*ex, result.error());
                           Response res{beast_http::status::no_content, ex->request().version()};
                           res.set(beast_http::field::set_cookie,
                                   cleared_session_cookie(options.secure_cookies));
                           ex->reply(std::move(res));
                       });
               });
    add_second_factor_routes(router, services);
}

}  // namespace clue_router::http
