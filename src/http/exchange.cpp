#include "clue_router/http/exchange.hpp"

#include <spdlog/spdlog.h>

namespace clue_router::http {

Exchange::Exchange(Request request, std::string request_id, Sink sink)
    : request_(std::move(request)),
      request_id_(std::move(request_id)),
      sink_(std::move(sink)),
      started_(std::chrono::steady_clock::now()) {}

Exchange::~Exchange() {
    // A handler that forgot to answer must not leave a client waiting for its timeout.
    if (!replied_.load()) reply_problem(internal_error());
}

void Exchange::set_route(const std::string& pattern, Params params) {
    route_ = pattern;
    params_ = std::move(params);
}

void Exchange::reply(Response&& response) {
    if (replied_.exchange(true)) return;
    response.set("X-Request-Id", request_id_);
    // Replies may carry personal data: no shared cache may keep them, unless the handler
    // says otherwise (the public API document).
    if (response.find(beast_http::field::cache_control) == response.end()) {
        response.set(beast_http::field::cache_control, "no-store");
    }
    response.version(request_.version());
    const auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_);
    spdlog::info("request id={} method={} route={} status={} duration_ms={:.2f} agency={}",
                 request_id_, std::string(request_.method_string()), route_, response.result_int(),
                 elapsed.count(), actor_ ? actor_->agency_id : "-");
    sink_(std::move(response));
}

void Exchange::reply_json(beast_http::status status, const nlohmann::json& body) {
    Response res{status, request_.version()};
    res.set(beast_http::field::content_type, "application/json");
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    reply(std::move(res));
}

void Exchange::reply_problem(const Problem& problem) {
    reply(make_problem_response(problem, request_.version(), request_id_));
}

}  // namespace clue_router::http
