// GET /v1/openapi.json: the API's contract (docs/openapi.json, built into the binary), public
// like /healthz so that a client generator or a partner's gateway needs no key, and counted
// against the client address's rate limit like every keyless request.
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"
#include "clue_router/http/openapi_document.hpp"

namespace clue_router::http {

void add_openapi_routes(Router& router) {
    router.add(beast_http::verb::get, "/v1/openapi.json", {.public_route = true},
               [](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   const std::string_view etag = openapi_document_etag();
                   const bool current =
                       if_none_match_covers(ex->request()[beast_http::field::if_none_match], etag);
                   Response res{current ? beast_http::status::not_modified : beast_http::status::ok,
                                ex->request().version()};
                   res.set(beast_http::field::etag, etag);
                   // It changes only with the binary: a cache may keep it a while, and
                   // asks again with If-None-Match after.
                   res.set(beast_http::field::cache_control, "public, max-age=300");
                   if (!current) {
                       // application/json, not application/vnd.oai.openapi+json: what
                       // generators, gateways and browsers expect of an openapi.json.
                       res.set(beast_http::field::content_type, "application/json");
                       res.body() = std::string(openapi_document());
                   }
                   ex->reply(std::move(res));
               });
}

}  // namespace clue_router::http
