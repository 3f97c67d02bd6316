#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

void add_admin_routes(Router& router, ApiServices& services) {
    // Loads the configuration files again (and seeds new agencies of the directory file), as
    // SIGHUP does.
    router.add(beast_http::verb::post, "/v1/admin/criteria/reload", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   auto result = services.screening_admin.reload(ex->actor());
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, {{"criteria_version", *result}});
               });

    // Runs the deadline sweeper now, as its timer does every sweep_interval_seconds.
    router.add(beast_http::verb::post, "/v1/admin/sweep-deadlines", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   if (ex->actor().role != service::Role::admin) {
                       return reply_error(*ex, service::error(service::ErrorKind::forbidden,
                                                              "only an admin key may run the "
                                                              "deadline sweeper"));
                   }
                   services.sweeper.sweep(
                       ex->actor(), [ex](service::Result<service::SweepSummary> result) {
                           if (!result) return reply_error(*ex, result.error());
                           ex->reply_json(
                               beast_http::status::ok,
                               {{"overdue", result->overdue}, {"escalated", result->escalated}});
                       });
               });

    router.add(beast_http::verb::post, "/v1/admin/rescreen", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   services.screening_admin.rescreen_open(
                       ex->actor(), [ex](service::Result<service::RescreenSummary> result) {
                           if (!result) return reply_error(*ex, result.error());
                           ex->reply_json(beast_http::status::ok,
                                          {{"criteria_version", result->criteria_version},
                                           {"examined", result->examined},
                                           {"rescreened", result->rescreened},
                                           {"priority_changed", result->priority_changed}});
                       });
               });
}

}  // namespace clue_router::http
