#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

void reply_agency(Exchange& ex, ApiServices& services, const storage::StoredAgency& agency,
                  beast_http::status status = beast_http::status::ok) {
    Response res{status, ex.request().version()};
    res.set(beast_http::field::content_type, "application/json");
    res.set(beast_http::field::etag, etag_of(agency.version));
    if (status == beast_http::status::created) {
        res.set(beast_http::field::location, "/v1/agencies/" + agency.agency.id);
    }
    res.body() = services.agencies.view(agency).dump();
    ex.reply(std::move(res));
}

void list_agencies(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    const auto page = read_page_params(*ex, CursorKind::agency_id);
    if (!page) return;
    auto result = services.agencies.list(ex->actor(), page->cursor, page->limit);
    if (!result) return reply_error(*ex, result.error());
    reply_page(*ex, std::move(*result));
}

void get_agency(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    if (!accept_query(*ex, {})) return;
    auto result = services.agencies.get(ex->actor(), ex->param("id"));
    if (!result) return reply_error(*ex, result.error());
    reply_agency(*ex, services, *result);
}

void create_agency(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    auto body = read_json_object(*ex);
    if (!body) return;
    services.agencies.create(ex->actor(), *body,
                             [ex, &services](service::Result<storage::StoredAgency> result) {
                                 if (!result) return reply_error(*ex, result.error());
                                 reply_agency(*ex, services, *result, beast_http::status::created);
                             });
}

void replace_agency(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    std::optional<std::int64_t> if_match;
    if (!read_if_match(*ex, "agency", if_match)) return;
    auto body = read_json_object(*ex);
    if (!body) return;
    services.agencies.replace(ex->actor(), ex->param("id"), if_match, *body,
                              [ex, &services](service::Result<storage::StoredAgency> result) {
                                  if (!result) return reply_error(*ex, result.error());
                                  reply_agency(*ex, services, *result);
                              });
}

}  // namespace

void add_agency_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::get, "/v1/agencies", {},
               [&services](const std::shared_ptr<Exchange>& ex) { list_agencies(services, ex); });
    router.add(beast_http::verb::post, "/v1/agencies", {},
               [&services](const std::shared_ptr<Exchange>& ex) { create_agency(services, ex); });
    router.add(beast_http::verb::get, "/v1/agencies/{id}", {},
               [&services](const std::shared_ptr<Exchange>& ex) { get_agency(services, ex); });
    router.add(beast_http::verb::put, "/v1/agencies/{id}", {},
               [&services](const std::shared_ptr<Exchange>& ex) { replace_agency(services, ex); });
}

}  // namespace clue_router::http
