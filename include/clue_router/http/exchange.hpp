#pragma once
// One request and the means to answer it, shared by the handler and whatever completes it
// later (a storage commit on the writer thread). Replying posts the response back to the
// connection's strand and writes one access-log line: request id, method, route pattern,
// status, duration, agency — never a path's query or a body.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/ip_address.hpp"
#include "clue_router/http/problem.hpp"
#include "clue_router/http/query.hpp"
#include "clue_router/http/router.hpp"
#include "clue_router/http/types.hpp"
#include "clue_router/service/actor.hpp"

namespace clue_router::http {

class Exchange {
  public:
    using Sink = std::function<void(Response&&)>;

    Exchange(Request request, std::string request_id, Sink sink);
    ~Exchange();

    const Request& request() const { return request_; }
    const std::string& request_id() const { return request_id_; }
    const Target& target() const { return target_; }
    const Params& params() const { return params_; }
    const std::string& param(const std::string& name) const { return params_.at(name); }
    const service::Actor& actor() const { return *actor_; }
    // Who sent the request: the connection's peer, or the client a trusted proxy names.
    const domain::IpAddress& client_address() const { return client_address_; }

    void set_target(Target t) { target_ = std::move(t); }
    void set_route(const std::string& pattern, Params params);
    void set_actor(service::Actor actor) { actor_ = std::move(actor); }
    void set_client_address(const domain::IpAddress& a) { client_address_ = a; }
    // The session token when the request was authenticated by the session cookie; empty for
    // a key or a public route.
    const std::string& session_token() const { return session_token_; }
    void set_session_token(std::string token) { session_token_ = std::move(token); }

    void reply(Response&& response);
    void reply_json(beast_http::status status, const nlohmann::json& body);
    void reply_problem(const Problem& problem);

  private:
    Request request_;
    std::string request_id_;
    Sink sink_;
    Target target_;
    std::string route_ = "-";
    Params params_;
    std::optional<service::Actor> actor_;
    domain::IpAddress client_address_;
    std::string session_token_;
    std::chrono::steady_clock::time_point started_;
    std::atomic<bool> replied_{false};
};

}  // namespace clue_router::http
