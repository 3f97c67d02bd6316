#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

using Action = void (service::ReviewActions::*)(const service::Actor&, const std::string&,
                                                const nlohmann::json&,
                                                service::Completion<nlohmann::json>);

void act(ApiServices& services, const std::shared_ptr<Exchange>& ex, Action action) {
    auto body = read_json_object(*ex);
    if (!body) return;
    (services.review.*action)(ex->actor(), ex->param("id"), *body,
                              [ex](service::Result<nlohmann::json> result) {
                                  if (!result) return reply_error(*ex, result.error());
                                  ex->reply_json(beast_http::status::ok, *result);
                              });
}

}  // namespace

void add_review_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::post, "/v1/review-queue/{id}/route", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   act(services, ex, &service::ReviewActions::route);
               });
    router.add(beast_http::verb::post, "/v1/review-queue/{id}/dismiss", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   act(services, ex, &service::ReviewActions::dismiss);
               });
}

}  // namespace clue_router::http
