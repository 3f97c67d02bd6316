#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

void add_case_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::get, "/v1/cases/{id}", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = services.cases.get(ex->actor(), ex->param("id"));
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, *result);
               });
}

}  // namespace clue_router::http
