// Keys over the API, for admins: create (the secret is in this one reply only), list,
// revoke (effective at the next request made with the key).
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

void add_key_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::post, "/v1/keys", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   services.keys.create_from(
                       ex->actor(), *body, [ex](service::Result<service::CreatedKey> result) {
                           if (!result) return reply_error(*ex, result.error());
                           nlohmann::json reply = service::to_json(result->key);
                           reply["secret"] = result->secret;
                           Response res{beast_http::status::created, ex->request().version()};
                           res.set(beast_http::field::content_type, "application/json");
                           res.set(beast_http::field::location, "/v1/keys/" + result->key.id);
                           // The one reply that carries a secret must not be kept by a cache.
                           res.set(beast_http::field::cache_control, "no-store");
                           res.body() = reply.dump();
                           ex->reply(std::move(res));
                       });
               });
    router.add(beast_http::verb::get, "/v1/keys", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = services.keys.list_for(ex->actor());
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, *result);
               });
    router.add(beast_http::verb::post, "/v1/keys/{id}/revoke", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   services.keys.revoke_from(
                       ex->actor(), ex->param("id"), [ex](service::Result<storage::ApiKey> result) {
                           if (!result) return reply_error(*ex, result.error());
                           ex->reply_json(beast_http::status::ok, service::to_json(*result));
                       });
               });
}

}  // namespace clue_router::http
