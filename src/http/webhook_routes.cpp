#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

using service::Result;

// Completes an asynchronous call with a JSON reply.
std::function<void(Result<nlohmann::json>)> reply_with(const std::shared_ptr<Exchange>& ex,
                                                       beast_http::status status) {
    return [ex, status](Result<nlohmann::json> result) {
        if (!result) return reply_error(*ex, result.error());
        ex->reply_json(status, *result);
    };
}

// Reads a JSON object body, or {} when the request has none (rotate with defaults).
std::optional<nlohmann::json> optional_json_object(Exchange& ex) {
    if (ex.request().body().empty()) return nlohmann::json::object();
    return read_json_object(ex);
}

void receive_hook(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    // The signature first, over the exact bytes received: until it verifies, the body is a
    // stranger's, and parsing it would be CPU spent on the stranger's behalf.
    const auto& req = ex->request();
    const service::WebhookHeaders headers{req["webhook-id"], req["webhook-timestamp"],
                                          req["webhook-signature"]};
    auto verified = services.webhooks.verify_inbound(ex->param("agency_id"), headers, req.body());
    if (!verified) return reply_error(*ex, verified.error());
    const auto body = read_json_object(*ex);
    if (!body) return;
    const auto version = req.version();
    const std::string request_id = ex->request_id();
    services.webhooks.receive(
        *verified, *body,
        [version, request_id](const service::ServiceError& e) {
            auto res = make_problem_response(to_problem(e), version, request_id);
            return std::make_pair(static_cast<int>(res.result_int()), res.body());
        },
        [ex](Result<service::InboundReply> result) {
            if (!result) return reply_error(*ex, result.error());
            Response res{static_cast<beast_http::status>(result->status), ex->request().version()};
            res.set(beast_http::field::content_type,
                    result->status < 300 ? "application/json" : "application/problem+json");
            if (result->replayed) res.set("Idempotent-Replayed", "true");
            res.body() = result->body;
            ex->reply(std::move(res));
        });
}

}  // namespace

void add_webhook_routes(Router& router, ApiServices& services, const ApiOptions& options) {
    auto& hooks = services.webhooks;
    router.add(beast_http::verb::post, "/v1/webhook-endpoints", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   hooks.create_endpoint(ex->actor(), *body,
                                         reply_with(ex, beast_http::status::created));
               });
    router.add(beast_http::verb::get, "/v1/webhook-endpoints", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = hooks.list_endpoints(ex->actor());
                   if (!result) return reply_error(*ex, result.error());
                   reply_page(*ex, std::move(*result));
               });
    router.add(beast_http::verb::get, "/v1/webhook-endpoints/{id}", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = hooks.get_endpoint(ex->actor(), ex->param("id"));
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, *result);
               });
    router.add(beast_http::verb::patch, "/v1/webhook-endpoints/{id}", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   hooks.update_endpoint(ex->actor(), ex->param("id"), *body,
                                         reply_with(ex, beast_http::status::ok));
               });
    router.add(beast_http::verb::delete_, "/v1/webhook-endpoints/{id}", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   hooks.delete_endpoint(ex->actor(), ex->param("id"), [ex](Result<bool> result) {
                       if (!result) return reply_error(*ex, result.error());
                       Response res{beast_http::status::no_content, ex->request().version()};
                       ex->reply(std::move(res));
                   });
               });
    router.add(beast_http::verb::post, "/v1/webhook-endpoints/{id}/rotate-secret", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   auto body = optional_json_object(*ex);
                   if (!body) return;
                   hooks.rotate_endpoint_secret(ex->actor(), ex->param("id"), *body,
                                                reply_with(ex, beast_http::status::ok));
               });
    router.add(beast_http::verb::get, "/v1/webhook-deliveries", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   const auto page = read_page_params(*ex, CursorKind::sequence, {"status"});
                   if (!page) return;
                   std::optional<storage::DeliveryStatus> status;
                   const auto& params = ex->target().query;
                   if (const auto it = params.find("status"); it != params.end()) {
                       status = storage::parse_delivery_status(it->second);
                       if (!status) {
                           ex->reply_problem(bad_request(
                               "status must be one of pending, delivered, failed",
                               {{"/query/status", "must be one of pending, delivered, failed"}}));
                           return;
                       }
                   }
                   auto result =
                       hooks.list_deliveries(ex->actor(), status, page->cursor, page->limit);
                   if (!result) return reply_error(*ex, result.error());
                   reply_page(*ex, std::move(*result));
               });
    router.add(beast_http::verb::post, "/v1/webhook-deliveries/{id}/retry", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   hooks.retry_delivery(ex->actor(), ex->param("id"),
                                        reply_with(ex, beast_http::status::ok));
               });
    router.add(beast_http::verb::post, "/v1/hooks/{agency_id}/secret", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   auto body = optional_json_object(*ex);
                   if (!body) return;
                   hooks.rotate_inbound_secret(ex->actor(), ex->param("agency_id"), *body,
                                               reply_with(ex, beast_http::status::ok));
               });
    router.add(beast_http::verb::get, "/v1/hooks/{agency_id}/secret", {},
               [&hooks](const std::shared_ptr<Exchange>& ex) {
                   if (!accept_query(*ex, {})) return;
                   auto result = hooks.inbound_secret(ex->actor(), ex->param("agency_id"));
                   if (!result) return reply_error(*ex, result.error());
                   ex->reply_json(beast_http::status::ok, *result);
               });
    // Signed, not keyed: the agency's case system authenticates with its webhook secret.
    router.add(beast_http::verb::post, "/v1/hooks/{agency_id}",
               {.public_route = true, .max_body_bytes = options.hook_max_body_bytes},
               [&services](const std::shared_ptr<Exchange>& ex) { receive_hook(services, ex); });
}

}  // namespace clue_router::http
