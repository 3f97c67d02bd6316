// People's accounts over the API, for admins (issue 15): create, list, disable, reset the
// password. Passwords never come back; disabling or resetting ends her sessions at once.
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

service::Completion<storage::Person> reply_person(const std::shared_ptr<Exchange>& ex,
                                                  beast_http::status status) {
    return [ex, status](service::Result<storage::Person> result) {
        if (!result) return reply_error(*ex, result.error());
        Response res{status, ex->request().version()};
        res.set(beast_http::field::content_type, "application/json");
        if (status == beast_http::status::created) {
            res.set(beast_http::field::location, "/v1/people/" + result->id);
        }
        res.set(beast_http::field::cache_control, "no-store");
        res.body() = service::to_json(*result).dump();
        ex->reply(std::move(res));
    };
}

}  // namespace

void add_people_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::post, "/v1/people", {.max_body_bytes = 8192},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   services.people.create(ex->actor(), *body,
                                          reply_person(ex, beast_http::status::created));
               });
    router.add(beast_http::verb::get, "/v1/people", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = services.people.list(ex->actor());
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, *result);
               });
    router.add(beast_http::verb::post, "/v1/people/{id}/disable", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   services.people.disable(ex->actor(), ex->param("id"),
                                           reply_person(ex, beast_http::status::ok));
               });
    router.add(beast_http::verb::post, "/v1/people/{id}/reset-password", {.max_body_bytes = 8192},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   services.people.reset_password(ex->actor(), ex->param("id"), *body,
                                                  reply_person(ex, beast_http::status::ok));
               });
    router.add(beast_http::verb::post, "/v1/people/{id}/reset-second-factor", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   services.people.reset_second_factor(ex->actor(), ex->param("id"),
                                                       reply_person(ex, beast_http::status::ok));
               });
}

}  // namespace clue_router::http
