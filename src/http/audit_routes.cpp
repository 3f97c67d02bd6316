// The audit trail for admins: the rows, and the verification of their hash chain.
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

void add_audit_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::get, "/v1/audit", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   const auto page = read_page_params(*ex, CursorKind::sequence);
                   if (!page) return;
                   auto result = services.audit.list(ex->actor(), page->cursor, page->limit);
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, *result);
               });
    router.add(beast_http::verb::get, "/v1/audit/verify", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = services.audit.verify(ex->actor());
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, service::to_json(*result));
               });
}

}  // namespace clue_router::http
