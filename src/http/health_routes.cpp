#include <nlohmann/json.hpp>

#include "clue_router/http/api.hpp"
#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::http {

void add_health_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::get, "/healthz", {.public_route = true},
               [](const std::shared_ptr<Exchange>& ex) {
                   ex->reply_json(beast_http::status::ok, {{"status", "ok"}});
               });

    // Ready: the database answers and its schema is the one this binary expects.
    router.add(beast_http::verb::get, "/readyz", {.public_route = true},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   int version = -1;
                   try {
                       version = services.store.reader()->schema_version();
                   } catch (const std::exception&) {
                   }
                   if (version == storage::latest_schema_version()) {
                       ex->reply_json(beast_http::status::ok,
                                      {{"status", "ready"}, {"schema_version", version}});
                   } else {
                       ex->reply_json(beast_http::status::service_unavailable,
                                      {{"status", "not_ready"}, {"schema_version", version}});
                   }
               });
}

}  // namespace clue_router::http
