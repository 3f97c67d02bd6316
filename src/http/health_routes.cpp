#include <nlohmann/json.hpp>

#include "clue_router/http/api.hpp"
#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::http {

void add_health_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::get, "/healthz", {.public_route = true},
               [](const std::shared_ptr<Exchange>& ex) {
                   ex->reply_json(beast_http::status::ok, {{"status", "ok"}});
               });

    // Ready: the database answers, its schema is the one this binary expects, and it takes
    // writes (a full disk answers every write 503; a balancer should send them elsewhere).
    router.add(beast_http::verb::get, "/readyz", {.public_route = true},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   int version = -1;
                   try {
                       version = services.store.reader()->schema_version();
                   } catch (const std::exception&) {
                   }
                   const bool writes_ok = !services.store.write_health().failing;
                   const bool ready = version == storage::latest_schema_version() && writes_ok;
                   ex->reply_json(
                       ready ? beast_http::status::ok : beast_http::status::service_unavailable,
                       {{"status", ready ? "ready" : "not_ready"},
                        {"schema_version", version},
                        {"writes", writes_ok ? "ok" : "failing"}});
               });
}

}  // namespace clue_router::http
